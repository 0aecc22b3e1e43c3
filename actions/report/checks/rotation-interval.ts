import type { Check } from "./check.js";
import { days, policyLine } from "./check.js";

/** Static: each secret's schedule rotates at least as often as the framework's bound. */
export const rotationInterval: Check = {
  id: "rotation-interval",
  kind: "static",
  description: "Every secret's rotation schedule is no longer than the framework's bound.",
  evaluate(context, parameters) {
    const bound = parameters.rotationMaxDays.value;
    return context.tenants.flatMap((tenant) =>
      tenant.secrets.map((secret) => ({
        tenant: tenant.name,
        resource: `${tenant.name}/${secret.name}`,
        status: secret.schedule.everyDays <= bound ? "pass" : "fail",
        observed: `schedule "${secret.schedule.name}" rotates every ${days(secret.schedule.everyDays)} (bound: ${days(bound)})`,
        observedAt: context.at,
        source: policyLine(context.root, secret.schedule.source, ["spec", "every"]),
      })),
    );
  },
};
