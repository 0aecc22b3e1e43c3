import { describe, expect, it } from "vitest";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";
import { tenantWith } from "./backup-support.js";

describe("rule backup-vault-lock", () => {
  it("reports a pci-dss tenant's backup without a vault lock at the backup key", () => {
    // compliance adds a line: backup is on line 11.
    const [found, ...rest] = reported(
      tenantWith("  backup:\n    daily: { retentionDays: 90 }\n", ["pci-dss"]),
      "backup-vault-lock",
    );
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:11:3",
      severity: "error",
      message:
        'tenant "acme" is under pci-dss and its backup vault has no lock: add spec.backup.vaultLock (for example "vaultLock: { changeableForDays: 3 }")',
    });
    expectHelpfulMessage(found!.message, "acme");
  });

  it("accepts a pci-dss tenant with a lock, and tenants of other frameworks without one", () => {
    expect(
      reported(tenantWith("  backup:\n    vaultLock: {}\n", ["pci-dss"]), "backup-vault-lock"),
    ).toEqual([]);
    expect(reported(tenantWith("  backup: {}\n", ["soc2"]), "backup-vault-lock")).toEqual([]);
  });

  it("reports lock bounds that would fail a rule's jobs", () => {
    const result = tenantWith(
      "  backup:\n    daily: { retentionDays: 30 }\n    vaultLock:\n      minRetentionDays: 60\n      maxRetentionDays: 100\n",
    );
    const found = reported(result, "backup-vault-lock");
    expect(found.map((d) => d.where)).toEqual(["acme.yaml:13:25", "acme.yaml:14:25"]);
    expect(found[0]!.message).toContain("exceeds the daily rule's retention (30 days)");
    expect(found[1]!.message).toContain("is under the weekly rule's retention (365 days)");
  });
});
