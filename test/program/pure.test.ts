import { describe, expect, it } from "vitest";
import { fitName } from "../../cloud/aws/naming.js";
import { checkDeletionWindow } from "../../components/aws/tenant-key.js";
import { readStackSettings, tenantSelected } from "../../program/pulumi/settings.js";

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
