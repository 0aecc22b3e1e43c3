import type * as pulumi from "@pulumi/pulumi";
import { Alias, Key } from "@pulumi/aws/kms/index.js";
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

  constructor(name: string, args: TenantKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:TenantKey", name, { tenant: args.scope.tenant }, opts);
    const deletionWindowInDays = args.deletionWindowInDays ?? 30;
    checkDeletionWindow(deletionWindowInDays);
    const key = new Key(
      `${name}-key`,
      {
        description: `VaultPilot secrets of tenant ${args.scope.tenant}`,
        enableKeyRotation: true,
        deletionWindowInDays,
        policy: JSON.stringify(tenantKeyPolicy(args)),
        tags: { "vaultpilot:tenant": args.scope.tenant },
      },
      { parent: this },
    );
    const alias = new Alias(
      `${name}-alias`,
      { name: keyAliasName(args.scope.tenant), targetKeyId: key.keyId },
      { parent: this },
    );
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
