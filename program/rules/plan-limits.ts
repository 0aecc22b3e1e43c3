import { parseDays } from "../durations.js";
import { PLAN_LIMITS, rotationsPerMonth, smallestPlanFor } from "../plans.js";
import type { PolicyIndex } from "../policy-set.js";
import type { SecretDocument } from "../documents.js";
import { report, type PolicyRule } from "./rule.js";

/** Rotations a month of a tenant's secrets whose schedule resolves; the others are reported elsewhere. */
export function tenantRotationsPerMonth(policies: PolicyIndex, secrets: readonly SecretDocument[]) {
  let total = 0;
  for (const secret of secrets) {
    const days = parseDays(policies.scheduleByName.get(secret.spec.schedule)?.spec.every ?? "");
    if (days) total += rotationsPerMonth(days);
  }
  return total;
}

export const planLimits: PolicyRule = {
  id: "plan-limits",
  severity: "error",
  description:
    "A tenant's secrets and rotations per month must fit its plan: free 5 and 10, pro 25 and 100, business 100 and 500, enterprise unlimited.",
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      const limits = PLAN_LIMITS[tenant.spec.plan];
      const secrets = policies.secretsByTenant.get(tenant.name) ?? [];
      const rotations = tenantRotationsPerMonth(policies, secrets);
      const fits = smallestPlanFor(secrets.length, rotations);
      if (secrets.length > limits.secrets) {
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "plan"],
            `tenant "${tenant.name}" has ${secrets.length} secrets; plan "${tenant.spec.plan}" allows ` +
              `${limits.secrets}: remove ${secrets.length - limits.secrets} or move to plan "${fits}"`,
          ),
        );
      }
      if (rotations > limits.rotationsPerMonth + 1e-9) {
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "plan"],
            `tenant "${tenant.name}" rotates ${round(rotations)} times a month; plan "${tenant.spec.plan}" ` +
              `allows ${limits.rotationsPerMonth}: rotate less often or move to plan "${fits}"`,
          ),
        );
      }
    }
    return diagnostics;
  },
};

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
