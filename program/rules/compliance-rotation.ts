import type { Framework } from "../documents.js";
import { parseDays } from "../durations.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * The longest rotation interval, in days, each framework allows.
 *
 * - pci-dss: 90 days. PCI DSS v4.0 requirement 8.3.9 (passwords of single-factor
 *   authentication changed at least once every 90 days) and 8.6.3 (application and system
 *   account passwords changed periodically, per the entity's risk analysis).
 *
 * soc2, iso27001 and hipaa set no fixed interval: SOC 2 CC6.1, ISO/IEC 27001:2022 Annex A
 * 5.17 and HIPAA 45 CFR 164.308(a)(5)(ii)(D) require managed, documented authentication
 * secrets but leave the period to the organisation's policy. So no bound is enforced for them.
 */
export const MAX_ROTATION_DAYS: Partial<Record<Framework, number>> = { "pci-dss": 90 };

export const complianceRotation: PolicyRule = {
  id: "compliance-rotation",
  severity: "error",
  description: "A tenant under pci-dss must rotate every secret at least every 90 days.",
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      for (const framework of tenant.spec.compliance ?? []) {
        const bound = MAX_ROTATION_DAYS[framework];
        if (bound === undefined) continue;
        for (const secret of policies.secretsByTenant.get(tenant.name) ?? []) {
          const every = policies.scheduleByName.get(secret.spec.schedule)?.spec.every;
          const days = every === undefined ? undefined : parseDays(every);
          if (days === undefined || days <= bound) continue;
          diagnostics.push(
            report(
              this,
              secret,
              ["spec", "schedule"],
              `schedule "${secret.spec.schedule}" rotates every ${every}; tenant "${tenant.name}" is under ` +
                `${framework}, which allows at most ${bound}d: use a schedule of ${bound}d or less`,
            ),
          );
        }
      }
    }
    return diagnostics;
  },
};
