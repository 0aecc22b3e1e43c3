import { describe, expect, it } from "vitest";
import { fitName } from "../../cloud/aws/naming.js";
import { rotationRules } from "../../cloud/aws/rotation-rules.js";
import { checkDeletionWindow } from "../../components/aws/tenant-key.js";
import { readStackSettings, tenantSelected } from "../../program/pulumi/settings.js";

describe("rotationRules", () => {
  it("rotates every N days when the schedule has no window", () => {
    expect(rotationRules({ everyDays: 30 })).toEqual({ automaticallyAfterDays: 30 });
  });
  it("starts at the window with a cron: daily, weekly, every N days, monthly, quarterly, yearly", () => {
    const window = { start: "01:30", durationHours: 3 };
    expect(rotationRules({ everyDays: 1, window }).scheduleExpression).toBe("cron(30 1 * * ? *)");
    expect(rotationRules({ everyDays: 7, window }).scheduleExpression).toBe("cron(30 1 ? * SUN *)");
    expect(rotationRules({ everyDays: 10, window }).scheduleExpression).toBe(
      "cron(30 1 1/10 * ? *)",
    );
    expect(rotationRules({ everyDays: 30, window })).toEqual({
      scheduleExpression: "cron(30 1 1 * ? *)",
      duration: "3h",
    });
    expect(rotationRules({ everyDays: 90, window }).scheduleExpression).toBe(
      "cron(30 1 1 1/3 ? *)",
    );
    expect(rotationRules({ everyDays: 365, window }).scheduleExpression).toBe("cron(30 1 1 1 ? *)");
  });
});

describe("fitName", () => {
  it("keeps short names and shortens long ones stably and distinctly", () => {
    expect(fitName("short", 64)).toBe("short");
    const a = fitName(`vaultpilot.${"a".repeat(32)}.access.${"b".repeat(32)}`, 64);
    const b = fitName(`vaultpilot.${"a".repeat(32)}.access.${"b".repeat(31)}c`, 64);
    expect(a).toHaveLength(64);
    expect(a).not.toBe(b);
    expect(fitName(`vaultpilot.${"a".repeat(32)}.access.${"b".repeat(32)}`, 64)).toBe(a);
  });
});

describe("stack settings", () => {
  it("select tenants by name and glob, with ! to exclude", () => {
    expect(tenantSelected("acme", ["*", "!initech"])).toBe(true);
    expect(tenantSelected("initech", ["*", "!initech"])).toBe(false);
    expect(tenantSelected("team-a", ["team-*"])).toBe(true);
    expect(tenantSelected("acme", ["team-*"])).toBe(false);
  });
  it("default to a 30-day key deletion window and reject one KMS does not accept", () => {
    expect(readStackSettings("s", () => undefined).keyDeletionWindowDays).toBe(30);
    expect(() =>
      readStackSettings("s", (k) =>
        k === "vaultpilot:keyDeletionWindowDays" ? { value: 3, secret: false } : undefined,
      ),
    ).toThrow(
      'stack "s": vaultpilot:keyDeletionWindowDays is 3; it must be a whole number from 7 to 30',
    );
    expect(() => checkDeletionWindow(31)).toThrow("KMS accepts 7 to 30 days");
  });
});
