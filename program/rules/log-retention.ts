import { LOG_RETENTION_VALUES } from "../protection/policy.js";
import { report, type PolicyRule } from "./rule.js";

/** A tenant's spec.logRetention is one of the values CloudWatch Logs accepts. */
export const logRetention: PolicyRule = {
  id: "log-retention",
  severity: "error",
  description: `A tenant's spec.logRetention must be a retention CloudWatch Logs accepts: ${LOG_RETENTION_VALUES.join(", ")} days.`,
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      const days = tenant.spec.logRetention;
      if (days === undefined || (LOG_RETENTION_VALUES as readonly number[]).includes(days))
        continue;
      const longer = LOG_RETENTION_VALUES.find((v) => v > days);
      diagnostics.push(
        report(
          this,
          tenant,
          ["spec", "logRetention"],
          `log retention "${days}" days is not one CloudWatch Logs accepts: use ${longer !== undefined ? `${longer} (the next longer)` : "3653"}, or another of ${LOG_RETENTION_VALUES.join(", ")}`,
        ),
      );
    }
    return diagnostics;
  },
};
