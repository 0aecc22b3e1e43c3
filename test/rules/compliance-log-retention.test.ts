import { describe, expect, it } from "vitest";
import { buildModel } from "../../program/build-model.js";
import { MIN_LOG_RETENTION_DAYS } from "../../program/protection/policy.js";
import { tenantWith } from "../support/protection-policies.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";

describe("rule compliance-log-retention", () => {
  it("reports a pci-dss tenant keeping logs under 365 days at its logRetention", () => {
    // With compliance the tenant takes lines 1-10: logRetention is line 11.
    const [found, ...rest] = reported(
      tenantWith("  logRetention: 180\n", ["pci-dss"]),
      "compliance-log-retention",
    );
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:11:17",
      severity: "error",
      message:
        'log retention "180" days is shorter than pci-dss requires for tenant "acme": use 365 days or more, or remove spec.logRetention to get 365',
    });
    expectHelpfulMessage(found!.message, "180", "acme");
  });

  it("reports hipaa under 6 years, once per framework it falls short of", () => {
    expect(
      reported(tenantWith("  logRetention: 1827\n", ["hipaa"]), "compliance-log-retention"),
    ).toHaveLength(1);
    expect(
      reported(
        tenantWith("  logRetention: 90\n", ["pci-dss", "hipaa"]),
        "compliance-log-retention",
      ),
    ).toHaveLength(2);
  });

  it("accepts the minimum itself, and any retention under frameworks that fix none", () => {
    expect(
      reported(tenantWith("  logRetention: 365\n", ["pci-dss"]), "compliance-log-retention"),
    ).toEqual([]);
    expect(
      reported(tenantWith("  logRetention: 1\n", ["soc2", "iso27001"]), "compliance-log-retention"),
    ).toEqual([]);
  });

  it("defaults a tenant's retention to its frameworks' longest minimum", () => {
    const days = (compliance: string[], extra = "") =>
      buildModel(tenantWith(extra, compliance).policies).tenants[0]!.logRetentionDays;
    expect(days(["pci-dss"])).toBe(365);
    expect(days(["pci-dss", "hipaa"])).toBe(2192);
    expect(days(["soc2"])).toBeUndefined();
    expect(days(["hipaa"], "  logRetention: 3653\n")).toBe(3653);
    expect(MIN_LOG_RETENTION_DAYS).toEqual({ "pci-dss": 365, hipaa: 2192 });
  });
});
