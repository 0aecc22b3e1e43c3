import { entryPointsOf } from "../protection/entries.js";
import { ENTRY_POINT_ARN_SHAPES, parseEntryPointArn } from "../protection/policy.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * An entry point's ARN must have its kind's shape and lie in the tenant's region (a regional web
 * ACL protects only resources of its own region) and, for a load balancer, its account; names are
 * unique within the tenant; throttling applies to API Gateway stages only (a load balancer has none).
 */
export const entryPoint: PolicyRule = {
  id: "entry-point",
  severity: "error",
  description:
    "An entry point's arn must have its kind's shape, in the tenant's region and account; names and throttled routes are unique; throttling is for rest-api stages.",
  check(policies) {
    const diagnostics = [];
    const seen = new Map<string, Set<string>>();
    for (const { tenant, entry, path } of entryPointsOf(policies)) {
      const names = seen.get(tenant.name) ?? new Set<string>();
      seen.set(tenant.name, names);
      if (names.has(entry.name)) {
        diagnostics.push(
          report(
            this,
            tenant,
            [...path, "name"],
            `entry point "${entry.name}" is named twice in tenant "${tenant.name}": rename one`,
          ),
        );
      }
      names.add(entry.name);
      const parsed = parseEntryPointArn(entry.kind, entry.arn);
      if (!parsed) {
        diagnostics.push(
          report(
            this,
            tenant,
            [...path, "arn"],
            `"${entry.arn}" is not the ARN of a ${entry.kind}: use ${ENTRY_POINT_ARN_SHAPES[entry.kind]}`,
          ),
        );
      } else if (parsed.region !== tenant.spec.aws.region) {
        diagnostics.push(
          report(
            this,
            tenant,
            [...path, "arn"],
            `entry point "${entry.name}" is in region "${parsed.region}" but tenant "${tenant.name}" is in "${tenant.spec.aws.region}"; a regional web ACL protects only its own region: move the entry point to a tenant of that region`,
          ),
        );
      } else if (parsed.kind === "alb" && parsed.account !== tenant.spec.aws.account) {
        diagnostics.push(
          report(
            this,
            tenant,
            [...path, "arn"],
            `load balancer "${entry.arn}" is in account "${parsed.account}" but tenant "${tenant.name}" is in "${tenant.spec.aws.account}": use a load balancer of the tenant's account`,
          ),
        );
      }
      const routes = new Set<string>();
      (entry.throttling?.routes ?? []).forEach((route, j) => {
        if (routes.has(route.route)) {
          diagnostics.push(
            report(
              this,
              tenant,
              [...path, "throttling", "routes", j, "route"],
              `route "${route.route}" is throttled twice in entry point "${entry.name}": remove one`,
            ),
          );
        }
        routes.add(route.route);
      });
      if (entry.throttling && entry.kind !== "rest-api") {
        diagnostics.push(
          report(
            this,
            tenant,
            [...path, "throttling"],
            `entry point "${entry.name}" is an ${entry.kind}, which has no throttling: remove throttling, or use waf.rateLimit`,
            "key",
          ),
        );
      }
    }
    return diagnostics;
  },
};
