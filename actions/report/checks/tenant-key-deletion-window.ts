import type { Check } from "./check.js";
import { days } from "./check.js";
import { planIndex, TYPE } from "./plan-index.js";
import { settingLine } from "./stack-line.js";

/** Static: a tenant key's deletion waiting period is at least the framework's bound (7 days: KMS's minimum). */
export const tenantKeyDeletionWindow: Check = {
  id: "tenant-key-deletion-window",
  kind: "static",
  description:
    "Each tenant key waits at least the framework's bound (7 days or more) before deletion.",
  evaluate(context, parameters) {
    const plan = planIndex(context.plan);
    const bound = parameters.keyDeletionMinDays.value;
    return context.tenants.map((tenant) => {
      const key = plan.ofTenant(tenant.name, TYPE.key)[0];
      const window = key?.inputs.deletionWindowInDays;
      const ok = typeof window === "number" && window >= bound;
      return {
        tenant: tenant.name,
        resource: `alias/vaultpilot/${tenant.name}`,
        status: ok ? "pass" : "fail",
        observed: key
          ? `deletionWindowInDays: ${typeof window === "number" ? days(window) : "unset (AWS default 30 days)"} (bound: ${days(bound)})`
          : "no customer-managed key in the plan",
        observedAt: context.at,
        source: settingLine(context, "vaultpilot:keyDeletionWindowDays", tenant),
      } as const;
    });
  },
};
