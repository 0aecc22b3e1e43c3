import { closest } from "../did-you-mean.js";
import { rejectedKey } from "../policy-set.js";
import { report, type PolicyRule } from "./rule.js";

/** A consumer that exists only in another tenant is tenant-isolation's to report, not this rule's. */
export const unknownConsumer: PolicyRule = {
  id: "unknown-consumer",
  severity: "error",
  description: "Each of a Secret's spec.consumers must name a Service.",
  check(policies) {
    const diagnostics = [];
    for (const secret of policies.secrets) {
      const own = policies.serviceByTenant.get(secret.tenant);
      const consumers = secret.spec.consumers ?? [];
      for (const [i, consumer] of consumers.entries()) {
        if (own?.has(consumer) || policies.servicesNamed.has(consumer)) continue;
        if (policies.rejected.has(rejectedKey("Service", consumer, secret.tenant))) continue;
        const suggestion = closest(consumer, [...(own?.keys() ?? [])]);
        const fix = suggestion
          ? `did you mean "${suggestion}"?`
          : `define a Service "${consumer}" in tenant "${secret.tenant}" or remove it`;
        diagnostics.push(
          report(
            this,
            secret,
            ["spec", "consumers", i],
            `secret "${secret.name}" names consumer "${consumer}", which is not a Service; ${fix}`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
