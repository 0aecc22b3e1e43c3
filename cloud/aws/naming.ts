import { createHash } from "node:crypto";

/**
 * Physical names and ARNs of what VaultPilot creates for a tenant, as pure functions of names.
 * Policies are built from these (never from resource outputs), so a key policy can name roles
 * before they exist and the plan shows policies as plain data.
 *
 * Policy names match `^[a-z][a-z0-9-]{1,30}[a-z0-9]$`, so the separators used here (`/`, `.`,
 * `_`) cannot occur inside a name: two different (tenant, name) pairs never give the same name.
 */

/** Where a tenant's resources live: its own account and region (from its Tenant document). */
export interface TenantScope {
  readonly tenant: string;
  readonly account: string;
  readonly region: string;
}

/** `name` if it fits in `max` characters, else a prefix and a hash of the whole: stable and unique. */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - 9)}-${hash}`;
}

/** Every secret VaultPilot manages is named `vaultpilot/<tenant>/<secret>` in Secrets Manager. */
export const SECRET_PREFIX = "vaultpilot/";
export const secretName = (tenant: string, secret: string) => `${SECRET_PREFIX}${tenant}/${secret}`;

/** Tags on every managed secret (ManagedSecret writes them; drift and discover read them). */
export const TAG_TENANT = "vaultpilot:tenant";
export const TAG_TYPE = "vaultpilot:type";
export const TAG_SCHEDULE = "vaultpilot:schedule";

/** The tenant a live secret claims, from its tag or its name; undefined when it claims none. */
export function claimedTenant(
  name: string,
  tags: Readonly<Record<string, string>>,
): string | undefined {
  const tagged = tags[TAG_TENANT];
  if (tagged) return tagged;
  if (!name.startsWith(SECRET_PREFIX)) return undefined;
  const rest = name.slice(SECRET_PREFIX.length);
  const slash = rest.indexOf("/");
  return slash > 0 ? rest.slice(0, slash) : undefined;
}
export const keyAliasName = (tenant: string) => `alias/vaultpilot/${tenant}`;
/** IAM role names: at most 64 characters of `[\w+=,.@-]`. */
export const accessRoleName = (tenant: string, service: string) =>
  fitName(`vaultpilot.${tenant}.access.${service}`, 64);
export const rotationRoleName = (tenant: string, type: string) =>
  fitName(`vaultpilot.${tenant}.rotation.${type}`, 64);
/** Lambda function names: at most 64 characters of `[A-Za-z0-9_-]`. */
export const rotationFunctionName = (tenant: string, type: string) =>
  fitName(`vaultpilot_${tenant}_${type}_rotation`, 64);
export const rotationLogGroupName = (tenant: string, type: string) =>
  `/vaultpilot/${tenant}/rotation/${type}`;
export const rotationQueueName = (tenant: string, type: string) =>
  fitName(`vaultpilot_${tenant}_${type}_rotation-dlq`, 80);
export const alarmTopicName = (tenant: string) =>
  fitName(`vaultpilot_${tenant}_rotation-alarms`, 256);
export const failureRuleName = (tenant: string) =>
  fitName(`vaultpilot_${tenant}_rotation-failures`, 64);
export const errorAlarmName = (tenant: string, type: string) =>
  fitName(`vaultpilot_${tenant}_${type}_rotation-errors`, 255);

export const accountRoot = (s: TenantScope) => `arn:aws:iam::${s.account}:root`;
export const roleArn = (s: TenantScope, role: string) => `arn:aws:iam::${s.account}:role/${role}`;
/** Secrets Manager appends `-` and six random characters to a secret's ARN: `-??????` matches exactly those. */
export const secretArnPattern = (s: TenantScope, secret: string) =>
  `arn:aws:secretsmanager:${s.region}:${s.account}:secret:${secretName(s.tenant, secret)}-??????`;
/** Every secret of the tenant (the `/` after the tenant keeps `acme` from matching `acme-eu`). */
export const tenantSecretsArnPattern = (s: TenantScope) =>
  `arn:aws:secretsmanager:${s.region}:${s.account}:secret:${SECRET_PREFIX}${s.tenant}/*`;
export const logGroupArn = (s: TenantScope, type: string) =>
  `arn:aws:logs:${s.region}:${s.account}:log-group:${rotationLogGroupName(s.tenant, type)}`;
export const queueArn = (s: TenantScope, type: string) =>
  `arn:aws:sqs:${s.region}:${s.account}:${rotationQueueName(s.tenant, type)}`;
export const topicArn = (s: TenantScope) =>
  `arn:aws:sns:${s.region}:${s.account}:${alarmTopicName(s.tenant)}`;
export const failureRuleArn = (s: TenantScope) =>
  `arn:aws:events:${s.region}:${s.account}:rule/${failureRuleName(s.tenant)}`;
export const errorAlarmArnPattern = (s: TenantScope) =>
  `arn:aws:cloudwatch:${s.region}:${s.account}:alarm:vaultpilot_${s.tenant}_*`;

/**
 * The IAM user whose access keys an aws-iam-key secret holds: named after the tenant and the
 * secret, under the path `/vaultpilot/<tenant>/`, so the rotation role can be scoped to exactly it.
 * The secret's value must name this user (`userName`); the program does not create the user.
 */
export const iamKeyUserPath = (tenant: string) => `/vaultpilot/${tenant}/`;
export const iamKeyUserName = (tenant: string, secret: string) =>
  fitName(`vaultpilot.${tenant}.${secret}`, 64);
export const iamKeyUserArn = (s: TenantScope, secret: string) =>
  `arn:aws:iam::${s.account}:user${iamKeyUserPath(s.tenant)}${iamKeyUserName(s.tenant, secret)}`;

/** A name the policies give, or the ARN they may give instead. */
const lastPart = (nameOrArn: string, separator: string) =>
  nameOrArn.startsWith("arn:") ? nameOrArn.slice(nameOrArn.lastIndexOf(separator) + 1) : nameOrArn;

/** Consumers the rotation function reloads, in the tenant's account and region. */
export const ecsServiceArn = (s: TenantScope, cluster: string, service: string) =>
  `arn:aws:ecs:${s.region}:${s.account}:service/${lastPart(cluster, "/")}/${lastPart(service, "/")}`;
export const lambdaFunctionArn = (s: TenantScope, fn: string) =>
  fn.startsWith("arn:") ? fn : `arn:aws:lambda:${s.region}:${s.account}:function:${fn}`;
/** AWS's own documents (`AWS-…`) have no account in their ARN. */
export const ssmDocumentArn = (s: TenantScope, document: string) =>
  document.startsWith("arn:")
    ? document
    : `arn:aws:ssm:${s.region}:${document.startsWith("AWS-") ? "" : s.account}:document/${document}`;
export const ec2InstancesArnPattern = (s: TenantScope) =>
  `arn:aws:ec2:${s.region}:${s.account}:instance/*`;
/** An EKS cluster of the tenant's account and region, by name (spec.reload.kubernetes.cluster). */
export const eksClusterArn = (s: TenantScope, cluster: string) =>
  `arn:aws:eks:${s.region}:${s.account}:cluster/${cluster}`;

/**
 * The encryption context of the data keys the secret client (`vaultpilot/client`) asks KMS for:
 * it names the client and the tenant, so the workload's grant (TenantAccessRole, TenantKey) can
 * allow `kms:GenerateDataKey` for this purpose and this tenant only.
 */
export const clientDataKeyContext = (tenant: string) => ({
  "vaultpilot:client": "secret-cache",
  "vaultpilot:tenant": tenant,
});

/**
 * A tenant's entry point's web ACL, IP sets and alarm (WAF names: at most 128 characters of
 * `[\w-]`), and its WAF log group: AWS WAF logs only to a group whose name starts with
 * `aws-waf-logs-` (AWS WAF Developer Guide, "Sending web ACL traffic logs to an Amazon
 * CloudWatch Logs log group").
 */
export const webAclName = (tenant: string, entry: string) =>
  fitName(`vaultpilot_${tenant}_${entry}`, 128);
export const ipSetName = (tenant: string, entry: string, family: 4 | 6) =>
  fitName(`vaultpilot_${tenant}_${entry}_allow-ipv${family}`, 128);
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";
export const wafLogGroupName = (tenant: string, entry: string) =>
  fitName(`${WAF_LOG_GROUP_PREFIX}vaultpilot_${tenant}_${entry}`, 512);
export const wafBlockedAlarmName = (tenant: string, entry: string) =>
  fitName(`vaultpilot_${tenant}_${entry}_waf-blocked`, 255);
/** Alarms on a rotation function besides its errors: `throttles`, `duration`. */
export const rotationAlarmName = (tenant: string, type: string, metric: string) =>
  fitName(`vaultpilot_${tenant}_${type}_rotation-${metric}`, 255);
/** The log groups CloudWatch Logs may encrypt with the tenant's key: only the tenant's own. */
export const tenantLogGroupArnPatterns = (s: TenantScope) => [
  `arn:aws:logs:${s.region}:${s.account}:log-group:/vaultpilot/${s.tenant}/*`,
  `arn:aws:logs:${s.region}:${s.account}:log-group:${WAF_LOG_GROUP_PREFIX}vaultpilot_${s.tenant}_*`,
];

// Backup and disaster recovery (components/aws/tenant-backup.ts). Vault names: 2-50 letters,
// digits, '-' and '_' (AWS Backup CreateBackupVault); role names at most 64 characters.
export const backupVaultName = (tenant: string) => fitName(`vaultpilot-${tenant}`, 50);
export const backupPlanName = (tenant: string) => fitName(`vaultpilot-${tenant}`, 50);
export const backupRoleName = (tenant: string) => fitName(`vaultpilot-${tenant}-backup`, 64);
export const backupFailureRuleName = (tenant: string) =>
  fitName(`vaultpilot_${tenant}_backup-failures`, 64);
export const backupVaultArn = (s: TenantScope) =>
  `arn:aws:backup:${s.region}:${s.account}:backup-vault:${backupVaultName(s.tenant)}`;
export const backupFailureRuleArn = (s: TenantScope) =>
  `arn:aws:events:${s.region}:${s.account}:rule/${backupFailureRuleName(s.tenant)}`;
