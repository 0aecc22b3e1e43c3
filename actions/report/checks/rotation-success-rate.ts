import type { Check } from "./check.js";
import { rotationsByTenant } from "./rotation-history.js";

/** History: the share of the period's finished rotations that succeeded, per tenant, against the framework's minimum. */
export const rotationSuccessRate: Check = {
  id: "rotation-success-rate",
  kind: "history",
  description:
    "The share of rotations in the period that succeeded is at least the framework's minimum.",
  evaluate(context, parameters) {
    const history = context.history;
    if (!history) return [];
    const byTenant = rotationsByTenant(history.events, history.since, history.until);
    const minimum = parameters.rotationSuccessRateMin.value;
    return context.tenants.map((tenant) => {
      const finished = (byTenant.get(tenant.name) ?? []).filter((r) => r.outcome !== "in-progress");
      const succeeded = finished.filter((r) => r.outcome === "succeeded").length;
      const rate = finished.length === 0 ? 1 : succeeded / finished.length;
      return {
        tenant: tenant.name,
        resource: tenant.name,
        status: rate >= minimum ? "pass" : "fail",
        observed:
          finished.length === 0
            ? `no rotation finished between ${history.since} and ${history.until}`
            : `${succeeded} of ${finished.length} rotations succeeded (${(rate * 100).toFixed(1)}%; minimum ${(minimum * 100).toFixed(0)}%)`,
        observedAt: history.until,
      } as const;
    });
  },
};
