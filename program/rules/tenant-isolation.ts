import { place, report, type PolicyRule } from "./rule.js";

/** A secret is read only by its own tenant's services: a consumer elsewhere would leak it. */
export const tenantIsolation: PolicyRule = {
  id: "tenant-isolation",
  severity: "error",
  description: "A Secret's consumers must be Services of the Secret's own tenant.",
  check(policies) {
    const diagnostics = [];
    for (const secret of policies.secrets) {
      const own = policies.serviceByTenant.get(secret.tenant);
      for (const [i, consumer] of (secret.spec.consumers ?? []).entries()) {
        if (own?.has(consumer)) continue;
        const elsewhere = policies.servicesNamed.get(consumer);
        if (!elsewhere?.length) continue;
        const other = elsewhere[0]!;
        diagnostics.push(
          report(
            this,
            secret,
            ["spec", "consumers", i],
            `secret "${secret.name}" of tenant "${secret.tenant}" names consumer "${consumer}", ` +
              `a Service of tenant "${other.tenant}" (${place(other, ["metadata", "name"])}); ` +
              `a secret may be consumed only by its own tenant: remove it, or define the service in "${secret.tenant}"`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
