import type * as pulumi from "@pulumi/pulumi";
import { Alias, Key, ReplicaKey } from "@pulumi/aws/kms/index.js";
import { VaultpilotComponent } from "./component.js";
import { clientDataKeyConditions } from "./tenant-access-role.js";
import {
  accountRoot,
  keyAliasName,
  tenantLogGroupArnPatterns,
  tenantSecretsArnPattern,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import type { PolicyDocument } from "../../cloud/aws/policy-document.js";

export interface TenantKeyArgs {
  readonly scope: TenantScope;
  /** Roles of the tenant's workloads, allowed to decrypt its secrets through Secrets Manager only. */
  readonly readerRoleArns: readonly string[];
  /** Roles of the tenant's rotation functions, allowed to decrypt and encrypt through Secrets Manager only. */
  readonly rotationRoleArns: readonly string[];
  /**
   * Days between scheduling deletion and deletion (7..30).
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Roles that use the key through AWS Backup (the tenant's backup role): its vault is encrypted
   * with the key, and its copies with the replica's.
   * @default [] - no backup
   */
  readonly backupRoleArns?: readonly string[];
  /**
   * A replica of the key in another region (the tenant's disaster-recovery region), made through
   * that region's provider, with the same policy for that region and the same alias. The key is
   * then a multi-region key: turning that on (or off) replaces the key, which KMS cannot change in
   * place (`vaultpilot plan` says so).
   * @default - no replica, a single-region key
   */
  readonly replica?: { readonly region: string; readonly provider: pulumi.ProviderResource };
}

/** KMS actions the account's administrators need to manage the key, listed one by one (no `kms:*`). */
export const KEY_ADMIN_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:UpdateAlias",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
];

/**
 * The key policy. Principals are the account root narrowed by `aws:PrincipalArn` conditions, so
 * the policy can name roles created after the key (KMS rejects a policy naming a missing role).
 */
export function tenantKeyPolicy(args: {
  scope: TenantScope;
  readerRoleArns: readonly string[];
  rotationRoleArns: readonly string[];
  backupRoleArns?: readonly string[];
}): PolicyDocument {
  const { scope } = args;
  const root = { AWS: accountRoot(scope) };
  const viaSecretsManager = {
    "kms:ViaService": `secretsmanager.${scope.region}.amazonaws.com`,
    "kms:CallerAccount": scope.account,
  };
  const secretContext = { "kms:EncryptionContext:SecretARN": tenantSecretsArnPattern(scope) };
  const statements: PolicyDocument["Statement"][number][] = [
    {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: root,
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
  ];
  if (args.readerRoleArns.length > 0) {
    statements.push({
      Sid: "TenantWorkloadsDecryptThroughSecretsManager",
      Effect: "Allow",
      Principal: root,
      // No kms:DescribeKey here: it carries no encryption context, so the SecretARN condition
      // would never match it (parliament: UNKNOWN_CONDITION_FOR_ACTION); Secrets Manager's API
      // does not need it (the console does, to list keys).
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: viaSecretsManager,
        StringLike: secretContext,
        ArnEquals: { "aws:PrincipalArn": [...args.readerRoleArns] },
      },
    });
    const cacheKeys = clientDataKeyConditions(scope.tenant);
    statements.push({
      // The secret client's cache keys (vaultpilot/client): that encryption context only.
      Sid: "TenantWorkloadsGenerateClientCacheKeys",
      Effect: "Allow",
      Principal: root,
      Action: ["kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        ...cacheKeys,
        StringEquals: { ...cacheKeys.StringEquals, "kms:CallerAccount": scope.account },
        ArnEquals: { "aws:PrincipalArn": [...args.readerRoleArns] },
      },
    });
  }
  if (args.rotationRoleArns.length > 0) {
    statements.push({
      Sid: "RotationFunctionsUseThroughSecretsManager",
      Effect: "Allow",
      Principal: root,
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: viaSecretsManager,
        StringLike: secretContext,
        ArnEquals: { "aws:PrincipalArn": [...args.rotationRoleArns] },
      },
    });
    statements.push({
      // Their critical alerts go to the tenant's alarm topic, which this key encrypts.
      Sid: "RotationFunctionsPublishThroughSns",
      Effect: "Allow",
      Principal: root,
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": `sns.${scope.region}.amazonaws.com`,
          "kms:CallerAccount": scope.account,
        },
        ArnEquals: { "aws:PrincipalArn": [...args.rotationRoleArns] },
      },
    });
  }
  statements.push(
    {
      // Only the tenant's log groups (rotation functions, WAF), by the encryption context
      // CloudWatch Logs sends (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs
      // using AWS KMS": kms:EncryptionContext:aws:logs:arn).
      Sid: "CloudWatchLogsEncryptTenantLogs",
      Effect: "Allow",
      Principal: { Service: `logs.${scope.region}.amazonaws.com` },
      Action: [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:DescribeKey",
      ],
      Resource: "*",
      Condition: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": tenantLogGroupArnPatterns(scope) },
      },
    },
    {
      Sid: "AlarmPublishersUseEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": scope.account } },
    },
  );
  if (args.backupRoleArns?.length) {
    // AWS Backup encrypts recovery points through grants it creates as the calling role.
    statements.push({
      Sid: "BackupUsesKeyThroughBackup",
      Effect: "Allow",
      Principal: root,
      Action: [
        "kms:CreateGrant",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:DescribeKey",
      ],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": `backup.${scope.region}.amazonaws.com`,
          "kms:CallerAccount": scope.account,
        },
        ArnEquals: { "aws:PrincipalArn": [...args.backupRoleArns] },
      },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The tenant's KMS key: every secret, log group and alarm topic of the tenant is encrypted with
 * it, and only the tenant's own roles (through Secrets Manager) may decrypt with it.
 */
export class TenantKey extends VaultpilotComponent {
  readonly keyArn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  readonly aliasName: pulumi.Output<string>;
  /** The replica's ARN in the disaster-recovery region; absent without a replica. */
  readonly replicaKeyArn?: pulumi.Output<string>;

  constructor(name: string, args: TenantKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:TenantKey", name, { tenant: args.scope.tenant }, opts);
    const deletionWindowInDays = args.deletionWindowInDays ?? 30;
    checkDeletionWindow(deletionWindowInDays);
    const key = this.declarePurpose(
      new Key(
        `${name}-key`,
        {
          description: `VaultPilot secrets of tenant ${args.scope.tenant}`,
          enableKeyRotation: true,
          deletionWindowInDays,
          policy: JSON.stringify(tenantKeyPolicy(args)),
          ...(args.replica && { multiRegion: true }),
          tags: { "vaultpilot:tenant": args.scope.tenant },
        },
        { parent: this },
      ),
      { kind: "encryption-key" },
    );
    const alias = new Alias(
      `${name}-alias`,
      { name: keyAliasName(args.scope.tenant), targetKeyId: key.keyId },
      { parent: this },
    );
    if (args.replica) {
      const scope = { ...args.scope, region: args.replica.region };
      const replica = new ReplicaKey(
        `${name}-replica-key`,
        {
          primaryKeyArn: key.arn,
          description: `VaultPilot secrets of tenant ${args.scope.tenant} (replica in ${scope.region})`,
          deletionWindowInDays,
          policy: JSON.stringify(tenantKeyPolicy({ ...args, scope })),
          tags: { "vaultpilot:tenant": args.scope.tenant },
        },
        { parent: this, provider: args.replica.provider },
      );
      new Alias(
        `${name}-replica-alias`,
        { name: keyAliasName(args.scope.tenant), targetKeyId: replica.arn },
        { parent: this, provider: args.replica.provider },
      );
      this.replicaKeyArn = replica.arn;
    }
    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.aliasName = alias.name;
    this.registerOutputs({ keyArn: this.keyArn, aliasName: this.aliasName });
  }
}

/** KMS accepts 7 to 30 days. */
export function checkDeletionWindow(days: number): void {
  if (!Number.isInteger(days) || days < 7 || days > 30) {
    throw new Error(`key deletion window ${days} is out of range: KMS accepts 7 to 30 days`);
  }
}
