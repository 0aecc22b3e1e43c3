import { DEFAULT_RETENTION_DAYS } from "../backup.js";
import type { Framework } from "../documents.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * Frameworks whose tenants' backups sit in a locked vault (AWS Backup Vault Lock), so no one, not
 * even the account's administrators, deletes a recovery point early. PCI DSS v4.0 names no vault
 * lock; this is the project's reading (issue 14) of requirement 10.3.3, copies kept "on media that
 * is difficult to modify", applied to the tenant's backups.
 */
export const VAULT_LOCK_FRAMEWORKS: readonly Framework[] = ["pci-dss"];

export const backupVaultLock: PolicyRule = {
  id: "backup-vault-lock",
  severity: "error",
  description:
    "A tenant under pci-dss that declares backups locks its vault; a vault lock's retention bounds admit every backup rule's retention.",
  check(policies) {
    const diagnostics = [];
    for (const tenant of policies.tenantByName.values()) {
      const backup = tenant.spec.backup;
      if (!backup) continue;
      const lock = backup.vaultLock;
      const framework = (tenant.spec.compliance ?? []).find((f) =>
        VAULT_LOCK_FRAMEWORKS.includes(f),
      );
      if (!lock) {
        if (framework) {
          diagnostics.push(
            report(
              this,
              tenant,
              ["spec", "backup"],
              `tenant "${tenant.name}" is under ${framework} and its backup vault has no lock: ` +
                `add spec.backup.vaultLock (for example "vaultLock: { changeableForDays: 3 }")`,
              "key",
            ),
          );
        }
        continue;
      }
      const retentions = [
        ["daily", backup.daily?.retentionDays ?? DEFAULT_RETENTION_DAYS.daily],
        ["weekly", backup.weekly?.retentionDays ?? DEFAULT_RETENTION_DAYS.weekly],
      ] as const;
      // AWS Backup fails a job whose retention lies outside the lock's bounds.
      for (const [name, days] of retentions) {
        if (lock.minRetentionDays !== undefined && days < lock.minRetentionDays) {
          diagnostics.push(
            report(
              this,
              tenant,
              ["spec", "backup", "vaultLock", "minRetentionDays"],
              `the vault lock's minRetentionDays ${lock.minRetentionDays} exceeds the ${name} rule's retention ` +
                `(${days} days), so AWS Backup would fail every ${name} job: use minRetentionDays ${days} or less`,
            ),
          );
        }
        if (lock.maxRetentionDays !== undefined && days > lock.maxRetentionDays) {
          diagnostics.push(
            report(
              this,
              tenant,
              ["spec", "backup", "vaultLock", "maxRetentionDays"],
              `the vault lock's maxRetentionDays ${lock.maxRetentionDays} is under the ${name} rule's retention ` +
                `(${days} days), so AWS Backup would fail every ${name} job: use maxRetentionDays ${days} or more`,
            ),
          );
        }
      }
    }
    return diagnostics;
  },
};
