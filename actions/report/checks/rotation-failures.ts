import type { Check, Observation } from "./check.js";
import { rotationsByTenant } from "./rotation-history.js";

/** History: no rotation of the period failed or was rolled back; one failing result per secret that did. */
export const rotationFailures: Check = {
  id: "rotation-failures",
  kind: "history",
  description: "No rotation in the period failed or was rolled back.",
  evaluate(context) {
    const history = context.history;
    if (!history) return [];
    const byTenant = rotationsByTenant(history.events, history.since, history.until);
    return context.tenants.flatMap((tenant): Observation[] => {
      const all = byTenant.get(tenant.name) ?? [];
      const bad = all.filter((r) => r.outcome === "failed" || r.outcome === "rolled-back");
      if (bad.length === 0) {
        return [
          {
            tenant: tenant.name,
            resource: tenant.name,
            status: "pass",
            observed: `${all.length} rotation(s) between ${history.since} and ${history.until}, none failed or rolled back`,
            observedAt: history.until,
          },
        ];
      }
      const bySecret = new Map<string, typeof bad>();
      for (const r of bad) bySecret.set(r.secretArn, [...(bySecret.get(r.secretArn) ?? []), r]);
      return [...bySecret].map(([arn, list]) => ({
        tenant: tenant.name,
        resource: arn,
        status: "fail",
        observed: list
          .map(
            (r) =>
              `${r.outcome} at ${r.started} (version ${r.version})${r.detail ? `: ${r.detail}` : ""}`,
          )
          .join("; "),
        observedAt: list.at(-1)!.started,
      }));
    });
  },
};
