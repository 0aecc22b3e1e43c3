import { MIN_LOG_RETENTION_DAYS } from "../protection/policy.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * A tenant's spec.logRetention is at least what each of its frameworks requires
 * (MIN_LOG_RETENTION_DAYS in program/protection/policy.ts names the sections: PCI DSS v4.0 10.5.1,
 * 45 CFR 164.316(b)(2)(i)).
 */
export const complianceLogRetention: PolicyRule = {
  id: "compliance-log-retention",
  severity: "error",
  description:
    "A tenant's spec.logRetention must be at least its frameworks' minimum: pci-dss 365 days, hipaa 2192 days.",
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      const days = tenant.spec.logRetention;
      if (days === undefined) continue;
      for (const framework of tenant.spec.compliance ?? []) {
        const least = MIN_LOG_RETENTION_DAYS[framework];
        if (least === undefined || days >= least) continue;
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "logRetention"],
            `log retention "${days}" days is shorter than ${framework} requires for tenant "${tenant.name}": use ${least} days or more, or remove spec.logRetention to get ${least}`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
