import type { BackupRuleSpec, TenantDocument } from "./documents.js";

/** One backup rule of a tenant, defaults applied. */
export interface BackupRulePolicy {
  /** Days before AWS Backup deletes a recovery point (the lifecycle's DeleteAfterDays). */
  readonly retentionDays: number;
  /** Days before a recovery point moves to cold storage; absent: it never does. */
  readonly moveToColdStorageAfterDays?: number;
}

/** The tenant's vault lock, defaults applied. */
export interface VaultLockPolicy {
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  readonly changeableForDays: number;
}

/** A tenant's backup, as the program builds it (spec.backup with its defaults). */
export interface TenantBackupPolicy {
  readonly daily: BackupRulePolicy;
  readonly weekly: BackupRulePolicy;
  /** Resources carrying every one of these tags are backed up. */
  readonly selectionTags: Readonly<Record<string, string>>;
  readonly vaultLock?: VaultLockPolicy;
  /** The disaster-recovery region recovery points are copied to; absent: no copy. */
  readonly copyToRegion?: string;
}

/**
 * Retention defaults, from the issue that introduced backups (its seeds): daily recovery points
 * kept 90 days, weekly ones a year.
 */
export const DEFAULT_RETENTION_DAYS = { daily: 90, weekly: 365 } as const;

/**
 * Days a vault lock stays changeable before it becomes immutable: 3, the least AWS Backup accepts
 * (PutBackupVaultLockConfiguration, ChangeableForDays).
 */
export const DEFAULT_CHANGEABLE_FOR_DAYS = 3;

/** The tag that selects a tenant's resources by default; the program tags its own with it. */
export const DEFAULT_SELECTION_TAG = "vaultpilot:tenant";

function rule(given: BackupRuleSpec | undefined, retentionDays: number): BackupRulePolicy {
  return {
    retentionDays: given?.retentionDays ?? retentionDays,
    ...(given?.moveToColdStorageAfterDays !== undefined && {
      moveToColdStorageAfterDays: given.moveToColdStorageAfterDays,
    }),
  };
}

/** The model's `backup` and `disasterRecovery` of a tenant document (spread into the tenant). */
export function backupOf(document: TenantDocument): {
  backup?: TenantBackupPolicy;
  disasterRecovery?: { region: string };
} {
  const { backup, disasterRecovery } = document.spec;
  const recovery = disasterRecovery && { region: disasterRecovery.region };
  if (!backup) return recovery ? { disasterRecovery: recovery } : {};
  const daily = rule(backup.daily, DEFAULT_RETENTION_DAYS.daily);
  const weekly = rule(backup.weekly, DEFAULT_RETENTION_DAYS.weekly);
  const lock = backup.vaultLock;
  const copy = recovery && (backup.copyToDisasterRecovery ?? true);
  return {
    backup: {
      daily,
      weekly,
      selectionTags: backup.selection?.tags ?? { [DEFAULT_SELECTION_TAG]: document.name },
      ...(lock && {
        vaultLock: {
          minRetentionDays:
            lock.minRetentionDays ?? Math.min(daily.retentionDays, weekly.retentionDays),
          maxRetentionDays:
            lock.maxRetentionDays ?? Math.max(daily.retentionDays, weekly.retentionDays),
          changeableForDays: lock.changeableForDays ?? DEFAULT_CHANGEABLE_FOR_DAYS,
        },
      }),
      ...(copy && { copyToRegion: recovery.region }),
    },
    ...(recovery && { disasterRecovery: recovery }),
  };
}
