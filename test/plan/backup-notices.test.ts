import { describe, expect, it } from "vitest";
import { diffResources } from "../../actions/plan/diff.js";
import { computeNotices } from "../../actions/plan/notices.js";
import { formatText } from "../../actions/plan/formats/text.js";
import type { SubjectResource } from "../../actions/plan/resources.js";
import { REPLACING_INPUTS } from "../../actions/plan/replacements.js";
import type { PlanResult } from "../../actions/plan/plan-result.js";

const key = (inputs: Record<string, unknown>): SubjectResource => ({
  urn: "urn:pulumi:s::vaultpilot::vaultpilot:aws:TenantKey$aws:kms/key:Key::umbrella-key",
  type: "aws:kms/key:Key",
  name: "umbrella-key",
  inputs,
  subject: { tenant: "umbrella" },
  purpose: { kind: "encryption-key" },
});
const plan = (daily: number, weekly: number, copy = true): SubjectResource => {
  const rule = (ruleName: string, deleteAfter: number) => ({
    ruleName,
    targetVaultName: "vaultpilot-umbrella",
    lifecycle: { deleteAfter },
    ...(copy && { copyActions: [{ destinationVaultArn: "arn", lifecycle: { deleteAfter } }] }),
  });
  return {
    urn: "urn:pulumi:s::vaultpilot::vaultpilot:aws:TenantBackup$aws:backup/plan:Plan::umbrella-plan",
    type: "aws:backup/plan:Plan",
    name: "umbrella-plan",
    inputs: { name: "vaultpilot-umbrella", rules: [rule("daily", daily), rule("weekly", weekly)] },
    subject: { tenant: "umbrella" },
    purpose: { kind: "backup-plan" },
  };
};

describe("plan notices for backups and keys", () => {
  it("shows a key whose multiRegion changes as a replacement, with a CAUTION", () => {
    const changes = diffResources(
      [key({ policy: "{}" })],
      [key({ policy: "{}", multiRegion: true })],
    );
    expect(changes.update[0]?.replaces).toEqual(["multiRegion"]);
    const [notice] = computeNotices(changes);
    expect(notice?.level).toBe("CAUTION");
    expect(notice?.message).toMatch(/^replacing a KMS key: tenant umbrella's key umbrella-key/);
  });

  it("keeps a policy change of the key an update in place, without a notice", () => {
    const changes = diffResources([key({ policy: "{}" })], [key({ policy: '{"a":1}' })]);
    expect(changes.update[0]?.replaces).toBeUndefined();
    expect(computeNotices(changes)).toEqual([]);
  });

  it("warns when a rule's retention shortens, for the backups and for their copies", () => {
    const notices = computeNotices(diffResources([plan(90, 365)], [plan(30, 400)]));
    expect(notices.map((n) => `${n.level}: ${n.message}`)).toEqual([
      "WARNING: backups deleted earlier: tenant umbrella's daily backups are now kept 30 days (were 90 days); existing recovery points older than 30 days are deleted",
      "WARNING: backups deleted earlier: tenant umbrella's daily backups copies in the disaster-recovery region are now kept 30 days (were 90 days); existing recovery points older than 30 days are deleted",
    ]);
  });

  it("notes a new plan, and warns when a plan is removed", () => {
    expect(computeNotices(diffResources([], [plan(35, 365, false)]))).toEqual([
      {
        level: "NOTE",
        tenant: "umbrella",
        message:
          "backups start: tenant umbrella's backup plan umbrella-plan (daily kept 35 days, weekly kept 365 days)",
      },
    ]);
    expect(computeNotices(diffResources([plan(35, 365)], []))[0]?.message).toMatch(
      /^backups stop: tenant umbrella's backup plan umbrella-plan is removed/,
    );
  });

  it("prints a replacement as -/+ with the input, and the notices first in the impact", () => {
    const changes = diffResources([key({})], [key({ multiRegion: true })]);
    const result: PlanResult = {
      stack: "s",
      scope: { mode: "full", planned: 1, unchanged: [] },
      guardrails: "organization",
      head: { stack: "s", resources: [], consumers: new Map(), schedules: new Map() },
      changes,
      impact: {
        tenants: ["umbrella"],
        secrets: [],
        rotations: [],
        services: [],
        traffic: [],
        retention: [],
        notices: computeNotices(changes),
      },
    };
    const text = formatText(result, { color: false });
    expect(text).toContain("0 to create, 1 to update (1 replaced), 0 to delete");
    expect(text).toContain("-/+ aws:kms/key:Key umbrella-key (replaced: multiRegion)\n");
    expect(text).toContain("Impact:\n  CAUTION: replacing a KMS key");
  });

  it("lists only inputs that AWS cannot change in place", () => {
    expect(REPLACING_INPUTS["aws:kms/key:Key"]).toEqual(["multiRegion"]);
  });
});
