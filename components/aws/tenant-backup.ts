import type * as pulumi from "@pulumi/pulumi";
import { Plan, Selection, Vault, VaultLockConfiguration } from "@pulumi/aws/backup/index.js";
import { EventRule, EventTarget } from "@pulumi/aws/cloudwatch/index.js";
import { Role, RolePolicyAttachment } from "@pulumi/aws/iam/index.js";
import { VaultpilotComponent } from "./component.js";
import {
  backupFailureRuleName,
  backupPlanName,
  backupRoleName,
  backupVaultName,
  TAG_TENANT,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import type { PolicyDocument } from "../../cloud/aws/policy-document.js";

/** One backup rule's lifecycle. */
export interface BackupRuleArgs {
  /** Days before AWS Backup deletes a recovery point (DeleteAfterDays). */
  readonly retentionDays: number;
  /**
   * Days before a recovery point moves to cold storage (MoveToColdStorageAfterDays); it must then
   * stay there 90 days (AWS Backup Developer Guide, Lifecycle).
   * @default - never
   */
  readonly moveToColdStorageAfterDays?: number;
}

export interface TenantBackupArgs {
  readonly scope: TenantScope;
  /** The tenant's key: the vault's recovery points are encrypted with it. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Runs every day at 05:00 UTC (`cron(0 5 * * ? *)`, AWS Backup's default start time). */
  readonly daily: BackupRuleArgs;
  /** Runs on Sundays at 05:00 UTC (`cron(0 5 ? * SUN *)`). */
  readonly weekly: BackupRuleArgs;
  /** Resources carrying every one of these tags are backed up (STRINGEQUALS conditions). */
  readonly selectionTags: Readonly<Record<string, string>>;
  /**
   * Locks the vault (AWS Backup Vault Lock). With changeableForDays the lock becomes immutable
   * (compliance mode) after that many days.
   * @default - no lock
   */
  readonly vaultLock?: {
    readonly minRetentionDays: number;
    readonly maxRetentionDays: number;
    readonly changeableForDays: number;
  };
  /**
   * Copies every recovery point to a vault in this region (same name), encrypted with the replica
   * of the tenant's key there, through `provider` (the tenant's provider for that region). The
   * copies keep the rule's lifecycle.
   * @default - no copy
   */
  readonly copyTo?: {
    readonly region: string;
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly provider: pulumi.ProviderResource;
  };
  /** The tenant's alarm topic: failed, aborted and expired backup and copy jobs are sent there. */
  readonly alarmTopicArn: pulumi.Input<string>;
}

export const DAILY_SCHEDULE = "cron(0 5 * * ? *)";
export const WEEKLY_SCHEDULE = "cron(0 5 ? * SUN *)";

/** The AWS managed policies AWS Backup's default service role carries, for backups and restores. */
export const BACKUP_SERVICE_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
];

/** Only AWS Backup, acting for this account, may assume the tenant's backup role. */
export function backupTrustPolicy(scope: TenantScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "BackupAssumesRole",
        Effect: "Allow",
        Principal: { Service: "backup.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "aws:SourceAccount": scope.account } },
      },
    ],
  };
}

/**
 * AWS Backup's job events that need a person: a backup or copy job that ended FAILED, ABORTED or
 * EXPIRED (the states AWS Backup documents for "Backup Job State Change" and "Copy Job State Change").
 */
export function backupFailurePattern(scope: TenantScope) {
  return {
    source: ["aws.backup"],
    "detail-type": ["Backup Job State Change", "Copy Job State Change"],
    account: [scope.account],
    detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
  };
}

/** A rule's lifecycle as AWS Backup takes it. */
export function lifecycleOf(rule: BackupRuleArgs) {
  return {
    deleteAfter: rule.retentionDays,
    ...(rule.moveToColdStorageAfterDays !== undefined && {
      coldStorageAfter: rule.moveToColdStorageAfterDays,
    }),
  };
}

/**
 * AWS Backup for one tenant: a vault encrypted with the tenant's key, a plan with a daily and a
 * weekly rule (and a copy of each recovery point to the disaster-recovery vault), the selection of
 * the tenant's resources by tag through a backup role, an optional vault lock, and an EventBridge
 * rule that sends failed backup and copy jobs to the tenant's alarm topic.
 */
export class TenantBackup extends VaultpilotComponent {
  readonly vaultArn: pulumi.Output<string>;
  readonly planId: pulumi.Output<string>;

  constructor(name: string, args: TenantBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:TenantBackup", name, { tenant: args.scope.tenant }, opts);
    const { scope } = args;
    const tags = { [TAG_TENANT]: scope.tenant };
    const vault = new Vault(
      `${name}-vault`,
      { name: backupVaultName(scope.tenant), kmsKeyArn: args.kmsKeyArn, tags },
      { parent: this },
    );
    if (args.vaultLock) {
      new VaultLockConfiguration(
        `${name}-vault-lock`,
        { backupVaultName: vault.name, ...args.vaultLock },
        { parent: this },
      );
    }
    const copyVault =
      args.copyTo &&
      new Vault(
        `${name}-copy-vault`,
        { name: backupVaultName(scope.tenant), kmsKeyArn: args.copyTo.kmsKeyArn, tags },
        { parent: this, provider: args.copyTo.provider },
      );
    const rule = (ruleName: string, schedule: string, lifecycle: BackupRuleArgs) => ({
      ruleName,
      targetVaultName: vault.name,
      schedule,
      lifecycle: lifecycleOf(lifecycle),
      ...(copyVault && {
        copyActions: [{ destinationVaultArn: copyVault.arn, lifecycle: lifecycleOf(lifecycle) }],
      }),
    });
    const plan = this.declarePurpose(
      new Plan(
        `${name}-plan`,
        {
          name: backupPlanName(scope.tenant),
          rules: [
            rule("daily", DAILY_SCHEDULE, args.daily),
            rule("weekly", WEEKLY_SCHEDULE, args.weekly),
          ],
          tags,
        },
        { parent: this },
      ),
      { kind: "backup-plan" },
    );
    const role = new Role(
      `${name}-backup-role`,
      {
        name: backupRoleName(scope.tenant),
        description: `AWS Backup's role for tenant ${scope.tenant}'s backup plan`,
        assumeRolePolicy: JSON.stringify(backupTrustPolicy(scope)),
        tags,
      },
      { parent: this },
    );
    BACKUP_SERVICE_POLICIES.forEach((policyArn, i) => {
      new RolePolicyAttachment(
        `${name}-backup-role-policy-${i}`,
        { role: role.name, policyArn },
        { parent: this },
      );
    });
    new Selection(
      `${name}-selection`,
      {
        name: backupPlanName(scope.tenant),
        planId: plan.id,
        iamRoleArn: role.arn,
        selectionTags: Object.entries(args.selectionTags).map(([key, value]) => ({
          type: "STRINGEQUALS",
          key,
          value,
        })),
      },
      { parent: this },
    );
    const failures = new EventRule(
      `${name}-backup-failures`,
      {
        name: backupFailureRuleName(scope.tenant),
        description: `Failed, aborted or expired backup and copy jobs of tenant ${scope.tenant}`,
        eventPattern: JSON.stringify(backupFailurePattern(scope)),
        tags,
      },
      { parent: this },
    );
    new EventTarget(
      `${name}-backup-failures-target`,
      { rule: failures.name, targetId: "alarm-topic", arn: args.alarmTopicArn },
      { parent: this },
    );
    this.vaultArn = vault.arn;
    this.planId = plan.id;
    this.registerOutputs({ vaultArn: this.vaultArn, planId: this.planId });
  }
}
