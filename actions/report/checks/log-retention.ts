import type { Check } from "./check.js";
import { days } from "./check.js";
import { planIndex, text, TYPE } from "./plan-index.js";
import { settingLine } from "./stack-line.js";

/** Static: every log group the plan creates keeps its events at least the framework's bound (0: forever). */
export const logRetention: Check = {
  id: "log-retention",
  kind: "static",
  description: "Every rotation log group keeps its events at least as long as the framework asks.",
  evaluate(context, parameters) {
    const plan = planIndex(context.plan);
    const bound = parameters.logRetentionMinDays.value;
    return context.tenants.flatMap((tenant) => {
      const source = settingLine(context, "vaultpilot:logRetentionDays", tenant);
      return plan.ofTenant(tenant.name, TYPE.logGroup).map((group) => {
        const retention = group.inputs.retentionInDays;
        const forever = retention === undefined || retention === 0;
        const ok = forever || (typeof retention === "number" && retention >= bound);
        return {
          tenant: tenant.name,
          resource: text(group.inputs.name) ?? group.name,
          status: ok ? "pass" : "fail",
          observed: `retentionInDays: ${forever ? "never expire" : typeof retention === "number" ? days(retention) : String(retention)} (bound: ${days(bound)})`,
          observedAt: context.at,
          source,
        } as const;
      });
    });
  },
};
