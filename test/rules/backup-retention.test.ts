import { describe, expect, it } from "vitest";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";
import { tenantWith } from "./backup-support.js";

describe("rule backup-retention", () => {
  it("warns about a daily retention under 35 days at its value", () => {
    const result = tenantWith("  backup:\n    daily:\n      retentionDays: 7\n");
    const [found, ...rest] = reported(result, "backup-retention");
    expect(rest).toEqual([]);
    expect(found?.where).toBe("acme.yaml:12:22");
    expect(found?.severity).toBe("warning");
    expectHelpfulMessage(found!.message, "acme");
  });

  it("warns when weekly backups are kept less long than daily ones", () => {
    const result = tenantWith(
      "  backup:\n    daily: { retentionDays: 120 }\n    weekly: { retentionDays: 60 }\n",
    );
    const [found] = reported(result, "backup-retention");
    expect(found?.where).toBe("acme.yaml:12:30");
    expect(found?.message).toContain("kept 60 days, less than daily ones (120)");
  });

  it("accepts the defaults (90 and 365 days) and 35 days exactly", () => {
    expect(reported(tenantWith("  backup: {}\n"), "backup-retention")).toEqual([]);
    expect(
      reported(tenantWith("  backup:\n    daily: { retentionDays: 35 }\n"), "backup-retention"),
    ).toEqual([]);
  });

  it("is a warning: validation still passes", () => {
    expect(tenantWith("  backup:\n    daily:\n      retentionDays: 7\n").model).toBeDefined();
  });
});
