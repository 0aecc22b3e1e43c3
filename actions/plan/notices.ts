import type { ResourceChanges } from "./diff.js";
import type { SubjectResource } from "./resources.js";

/** A line of the plan's impact section about backups and keys: what a change deletes or replaces. */
export interface Notice {
  readonly level: "CAUTION" | "WARNING" | "NOTE";
  readonly tenant: string;
  readonly message: string;
}

/** A backup plan rule's name and the days its recovery points (and their copies) are kept. */
interface RuleRetention {
  readonly rule: string;
  readonly days?: number;
  readonly copyDays?: number;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const asNumber = (v: unknown) => (typeof v === "number" ? v : undefined);

/** The rules of a recorded `aws:backup/plan:Plan`, from its inputs. */
function retentions(plan: SubjectResource): RuleRetention[] {
  const rules = Array.isArray(plan.inputs.rules) ? plan.inputs.rules : [];
  return rules.map((raw) => {
    const rule = asRecord(raw);
    const copy = asRecord(Array.isArray(rule.copyActions) ? rule.copyActions[0] : undefined);
    const days = asNumber(asRecord(rule.lifecycle).deleteAfter);
    const copyDays = asNumber(asRecord(copy.lifecycle).deleteAfter);
    return {
      rule: String(rule.ruleName),
      ...(days !== undefined && { days }),
      ...(copyDays !== undefined && { copyDays }),
    };
  });
}

const kept = (days: number | undefined) => (days === undefined ? "forever" : `${days} days`);

/**
 * What a reviewer must not miss, from the components' declared purposes: a KMS key replaced
 * (CAUTION), backups kept less long or no longer taken (WARNING), backups that start (NOTE).
 */
export function computeNotices(changes: ResourceChanges): Notice[] {
  const notices: Notice[] = [];
  for (const u of changes.update) {
    const tenant = u.resource.subject?.tenant;
    if (tenant === undefined) continue;
    if (u.resource.purpose?.kind === "encryption-key" && u.replaces) {
      notices.push({
        level: "CAUTION",
        tenant,
        message:
          `replacing a KMS key: tenant ${tenant}'s key ${u.resource.name} is replaced (${u.replaces.join(", ")} ` +
          "cannot change in place): a new key encrypts from now on and the old one is scheduled for deletion; " +
          "older secret versions and recovery points under the old key become unreadable when its deletion window ends",
      });
    }
    if (u.resource.purpose?.kind === "backup-plan") {
      const before = new Map(retentions(u.before).map((r) => [r.rule, r]));
      for (const now of retentions(u.resource)) {
        const was = before.get(now.rule);
        if (!was) continue;
        for (const [what, from, to] of [
          ["", was.days, now.days],
          [" copies in the disaster-recovery region", was.copyDays, now.copyDays],
        ] as const) {
          if (to !== undefined && (from === undefined || to < from)) {
            notices.push({
              level: "WARNING",
              tenant,
              message:
                `backups deleted earlier: tenant ${tenant}'s ${now.rule} backups${what} are now kept ${kept(to)} ` +
                `(were ${kept(from)}); existing recovery points older than ${to} days are deleted`,
            });
          }
        }
      }
    }
  }
  for (const r of changes.create) {
    const tenant = r.subject?.tenant;
    if (tenant === undefined || r.purpose?.kind !== "backup-plan") continue;
    const rules = retentions(r)
      .map((x) => `${x.rule} kept ${kept(x.days)}`)
      .join(", ");
    notices.push({
      level: "NOTE",
      tenant,
      message: `backups start: tenant ${tenant}'s backup plan ${r.name} (${rules})`,
    });
  }
  for (const r of changes.delete) {
    const tenant = r.subject?.tenant;
    if (tenant === undefined || r.purpose?.kind !== "backup-plan") continue;
    notices.push({
      level: "WARNING",
      tenant,
      message: `backups stop: tenant ${tenant}'s backup plan ${r.name} is removed; its vault keeps the recovery points taken so far until their retention ends`,
    });
  }
  const order = { CAUTION: 0, WARNING: 1, NOTE: 2 };
  return notices.sort(
    (a, b) =>
      order[a.level] - order[b.level] ||
      a.tenant.localeCompare(b.tenant) ||
      a.message.localeCompare(b.message),
  );
}
