import { describe, expect, it } from "vitest";
import { doc, validateText, yamlFile } from "../support/validate-text.js";

const modelOf = (extra: string) =>
  validateText({ "acme.yaml": yamlFile(doc.tenant("acme", "business") + extra) }).model!
    .tenants[0]!;

describe("a tenant's backup in the model", () => {
  it("is absent without spec.backup", () => {
    const tenant = modelOf("");
    expect(tenant.backup).toBeUndefined();
    expect(tenant.disasterRecovery).toBeUndefined();
  });

  it("defaults: daily 90 days, weekly 365, selected by the tenant tag, no lock, no copy", () => {
    expect(modelOf("  backup: {}\n").backup).toEqual({
      daily: { retentionDays: 90 },
      weekly: { retentionDays: 365 },
      selectionTags: { "vaultpilot:tenant": "acme" },
    });
  });

  it("copies to the disaster-recovery region by default, and a lock spans the rules' retentions", () => {
    const tenant = modelOf(
      "  backup:\n    daily: { retentionDays: 100, moveToColdStorageAfterDays: 7 }\n" +
        "    selection: { tags: { backup: daily } }\n    vaultLock: {}\n" +
        "  disasterRecovery: { region: us-west-2 }\n",
    );
    expect(tenant.backup).toEqual({
      daily: { retentionDays: 100, moveToColdStorageAfterDays: 7 },
      weekly: { retentionDays: 365 },
      selectionTags: { backup: "daily" },
      vaultLock: { minRetentionDays: 100, maxRetentionDays: 365, changeableForDays: 3 },
      copyToRegion: "us-west-2",
    });
    expect(tenant.disasterRecovery).toEqual({ region: "us-west-2" });
  });

  it("does not copy when copyToDisasterRecovery is false", () => {
    const tenant = modelOf(
      "  backup: { copyToDisasterRecovery: false }\n  disasterRecovery: { region: us-west-2 }\n",
    );
    expect(tenant.backup?.copyToRegion).toBeUndefined();
    expect(tenant.disasterRecovery).toEqual({ region: "us-west-2" });
  });
});
