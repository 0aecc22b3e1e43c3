import { DEFAULT_RETENTION_DAYS } from "../backup.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * The shortest retention that does not draw a warning: 35 days, what AWS Backup's own plan
 * templates keep daily backups ("Daily-35day-Retention", AWS Backup Developer Guide, "Creating a
 * backup plan from a template"). Shorter is allowed (a lab tenant), but a problem noticed a month
 * late then has no backup from before it.
 */
export const RETENTION_FLOOR_DAYS = 35;

export const backupRetention: PolicyRule = {
  id: "backup-retention",
  severity: "warning",
  description:
    "Backups are kept at least 35 days (AWS Backup's daily template), and weekly ones at least as long as daily ones.",
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      const backup = tenant.spec.backup;
      if (!backup) continue;
      for (const name of ["daily", "weekly"] as const) {
        const days = backup[name]?.retentionDays;
        if (days === undefined || days >= RETENTION_FLOOR_DAYS) continue;
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "backup", name, "retentionDays"],
            `${name} backups of tenant "${tenant.name}" are kept ${days} days, under ${RETENTION_FLOOR_DAYS} ` +
              `(AWS Backup's daily template): use retentionDays ${RETENTION_FLOOR_DAYS} or more unless the tenant's data is disposable`,
          ),
        );
      }
      const daily = backup.daily?.retentionDays ?? DEFAULT_RETENTION_DAYS.daily;
      const weekly = backup.weekly?.retentionDays ?? DEFAULT_RETENTION_DAYS.weekly;
      if (weekly < daily) {
        const given = backup.weekly?.retentionDays !== undefined;
        diagnostics.push(
          report(
            this,
            tenant,
            given
              ? ["spec", "backup", "weekly", "retentionDays"]
              : ["spec", "backup", "daily", "retentionDays"],
            `weekly backups of tenant "${tenant.name}" are kept ${weekly} days, less than daily ones (${daily}): ` +
              `use a weekly retentionDays of ${daily} or more, so older recovery points outlive newer ones`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
