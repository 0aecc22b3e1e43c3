import { DEFAULT_RETENTION_DAYS } from "../backup.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * Days a recovery point must stay in cold storage before it may be deleted. AWS Backup Developer
 * Guide, Lifecycle (API_Lifecycle): "Backups transitioned to cold storage must be stored in cold
 * storage for a minimum of 90 days. Therefore, the 'retention' setting must be 90 days greater than
 * the 'transition to cold after days' setting." CreateBackupPlan refuses a rule that breaks it.
 */
export const COLD_STORAGE_MINIMUM_DAYS = 90;

export const backupColdStorage: PolicyRule = {
  id: "backup-cold-storage",
  severity: "error",
  description:
    "A backup rule that moves recovery points to cold storage keeps them at least 90 days more (AWS Backup's lifecycle rule).",
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      const backup = tenant.spec.backup;
      if (!backup) continue;
      for (const name of ["daily", "weekly"] as const) {
        const rule = backup[name];
        const cold = rule?.moveToColdStorageAfterDays;
        if (cold === undefined) continue;
        const retention = rule?.retentionDays ?? DEFAULT_RETENTION_DAYS[name];
        const needed = cold + COLD_STORAGE_MINIMUM_DAYS;
        if (retention >= needed) continue;
        const given = rule?.retentionDays !== undefined;
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "backup", name, given ? "retentionDays" : "moveToColdStorageAfterDays"],
            `the ${name} rule moves recovery points to cold storage after ${cold} days and deletes them after ` +
              `${retention}${given ? "" : " (the default)"}; AWS Backup keeps cold storage at least ` +
              `${COLD_STORAGE_MINIMUM_DAYS} days: use retentionDays ${needed} or more, ` +
              (retention - COLD_STORAGE_MINIMUM_DAYS >= 1
                ? `or move to cold storage after ${retention - COLD_STORAGE_MINIMUM_DAYS} days at most`
                : "or remove moveToColdStorageAfterDays (keep them in warm storage)"),
          ),
        );
      }
    }
    return diagnostics;
  },
};
