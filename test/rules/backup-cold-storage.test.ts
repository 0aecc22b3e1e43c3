import { describe, expect, it } from "vitest";
import { COLD_STORAGE_MINIMUM_DAYS } from "../../program/rules/backup-cold-storage.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";
import { tenantWith } from "./backup-support.js";

const daily = (rule: string) => tenantWith(`  backup:\n    daily: ${rule}\n`);

describe("rule backup-cold-storage", () => {
  it("reports a retention under cold storage + 90 days at retentionDays", () => {
    // backup on line 10, daily on 11; "    daily: { moveToColdStorageAfterDays: 30, retentionDays: " is 60 columns.
    const [found, ...rest] = reported(
      daily("{ moveToColdStorageAfterDays: 30, retentionDays: 100 }"),
      "backup-cold-storage",
    );
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:11:61",
      severity: "error",
      message:
        "the daily rule moves recovery points to cold storage after 30 days and deletes them after 100; " +
        "AWS Backup keeps cold storage at least 90 days: use retentionDays 120 or more, or move to cold storage after 10 days at most",
    });
    expectHelpfulMessage(found!.message);
  });

  it("checks the default retention (daily 90 days) at moveToColdStorageAfterDays when none is given", () => {
    const [found] = reported(daily("{ moveToColdStorageAfterDays: 1 }"), "backup-cold-storage");
    expect(found?.where).toBe("acme.yaml:11:42");
    expect(found?.message).toContain("deletes them after 90 (the default)");
    // 90 - 90 leaves no day to wait: the schema's minimum is 1, so the fix is warm storage.
    expect(found?.message).toMatch(
      /use retentionDays 91 or more, or remove moveToColdStorageAfterDays \(keep them in warm storage\)$/,
    );
  });

  it("accepts exactly 90 days in cold storage, and rules without cold storage", () => {
    expect(
      reported(
        daily("{ moveToColdStorageAfterDays: 30, retentionDays: 120 }"),
        "backup-cold-storage",
      ),
    ).toEqual([]);
    expect(reported(daily("{ retentionDays: 7 }"), "backup-cold-storage")).toEqual([]);
  });

  it("checks the weekly rule against its default of 365 days", () => {
    const result = tenantWith("  backup:\n    weekly:\n      moveToColdStorageAfterDays: 300\n");
    expect(reported(result, "backup-cold-storage")).toHaveLength(1);
    expect(COLD_STORAGE_MINIMUM_DAYS).toBe(90);
  });
});
