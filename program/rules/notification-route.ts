import { report, type PolicyRule } from "./rule.js";

const TARGETS = ["email", "slack", "webhook"] as const;

/** Each route has exactly one destination, and its name is the tenant's only route of that name. */
export const notificationRoute: PolicyRule = {
  id: "notification-route",
  severity: "error",
  description:
    "A notification route has exactly one destination (email, slack or webhook) and a name no other route of the tenant uses.",
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      const routes = tenant.spec.notifications?.routes ?? [];
      const seen = new Map<string, number>();
      for (const [i, route] of routes.entries()) {
        const path = ["spec", "notifications", "routes", i];
        const targets = TARGETS.filter((t) => route[t] !== undefined);
        if (targets.length !== 1) {
          diagnostics.push(
            report(
              this,
              tenant,
              [...path, "name"],
              targets.length === 0
                ? `route "${route.name}" of tenant "${tenant.name}" has no destination: add one of email: {}, slack: { url: ... } or webhook: { url: ..., signingKey: ... }`
                : `route "${route.name}" of tenant "${tenant.name}" has ${targets.length} destinations (${targets.join(", ")}): keep one and make a route of each other`,
            ),
          );
        }
        const first = seen.get(route.name);
        if (first !== undefined) {
          diagnostics.push(
            report(
              this,
              tenant,
              [...path, "name"],
              `route name "${route.name}" is used twice in tenant "${tenant.name}" (routes ${first + 1} and ${i + 1}): deduplication and audit lines tell routes apart by name; rename one`,
            ),
          );
        } else seen.set(route.name, i);
      }
    }
    return diagnostics;
  },
};
