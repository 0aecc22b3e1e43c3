import { AUDIT_TRAIL_PREFIX, auditSigningKeyAlias } from "../../cloud/aws/audit-naming.js";
import { StackConfigError, type ConfigLookup } from "./settings.js";

/**
 * The audit archive's stack settings (`Pulumi.<stack>.yaml`), read the same way by the Pulumi
 * program and by `vaultpilot audit export --stack`.
 */
export interface AuditSettings {
  /** `vaultpilot:auditArchive`: create the AuditArchive (bucket, signing key). @default false */
  readonly archive: boolean;
  /** `vaultpilot:auditBucketName`: globally unique. @default "vaultpilot-audit-<stack>" */
  readonly bucketName: string;
  /** `vaultpilot:auditRetention`: Object Lock compliance-mode retention, `<n>y` or `<n>d`. @default "7y" */
  readonly retention: Retention;
  /** `vaultpilot:auditExportRoleArn`: the only principal allowed to sign manifests; required with the archive. */
  readonly exportRoleArn?: string;
  /** `vaultpilot:auditTrail`: the archive also creates the CloudTrail trail (multi-region, validation, KMS). @default false */
  readonly trail: boolean;
  /** `vaultpilot:auditOrganizationTrail`: that trail covers the whole organization. @default false */
  readonly organizationTrail: boolean;
  /**
   * `vaultpilot:auditTrailBucket`: where an existing trail writes, `s3://bucket[/prefix]`.
   * @default - `s3://<bucketName>/cloudtrail` when the archive creates the trail, else none
   */
  readonly trailLocation?: string;
  /** `vaultpilot:auditMaskFields`: more event fields to mask in exports. @default [] */
  readonly maskFields: readonly string[];
}

export interface Retention {
  readonly years?: number;
  readonly days?: number;
}

export { auditSigningKeyAlias };

export function readAuditSettings(stack: string, get: ConfigLookup): AuditSettings {
  const fail = (key: string, found: unknown, what: string): never => {
    throw new StackConfigError(`stack "${stack}": ${key} is ${JSON.stringify(found)}; ${what}`);
  };
  const bool = (key: string): boolean => {
    const found = get(key);
    if (found === undefined) return false;
    if (found.value === true || found.value === "true") return true;
    if (found.value === false || found.value === "false") return false;
    return fail(key, found.value, "it must be true or false");
  };
  const text = (key: string): string | undefined => {
    const found = get(key);
    if (found === undefined) return undefined;
    if (typeof found.value !== "string" || found.value === "")
      return fail(key, found.value, "it must be a non-empty string");
    return found.value;
  };
  const bucketName =
    text("vaultpilot:auditBucketName") ??
    `vaultpilot-audit-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketName)) {
    fail(
      "vaultpilot:auditBucketName",
      bucketName,
      "an S3 bucket name is 3 to 63 lowercase letters, digits, '.' and '-'",
    );
  }
  const retentionText = text("vaultpilot:auditRetention") ?? "7y";
  const match = /^([1-9][0-9]*)([yd])$/.exec(retentionText);
  if (!match)
    fail(
      "vaultpilot:auditRetention",
      retentionText,
      'write a number of years or days, such as "7y" or "2557d"',
    );
  const n = Number(match![1]);
  if ((match![2] === "y" && n > 100) || (match![2] === "d" && n > 36500)) {
    fail(
      "vaultpilot:auditRetention",
      retentionText,
      "S3 Object Lock retains at most 100 years (36,500 days)",
    );
  }
  const retention = match![2] === "y" ? { years: n } : { days: n };
  const archive = bool("vaultpilot:auditArchive");
  const exportRoleArn = text("vaultpilot:auditExportRoleArn");
  if (archive && !exportRoleArn) {
    throw new StackConfigError(
      `stack "${stack}": vaultpilot:auditArchive needs vaultpilot:auditExportRoleArn, the role the audit workflow runs as (the only one allowed to sign manifests)`,
    );
  }
  if (exportRoleArn && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/.test(exportRoleArn)) {
    fail("vaultpilot:auditExportRoleArn", exportRoleArn, "it must be an IAM role ARN");
  }
  const trail = bool("vaultpilot:auditTrail");
  const trailLocation =
    text("vaultpilot:auditTrailBucket") ??
    (trail ? `s3://${bucketName}/${AUDIT_TRAIL_PREFIX}` : undefined);
  if (trailLocation && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(trailLocation)) {
    fail(
      "vaultpilot:auditTrailBucket",
      trailLocation,
      "write it as s3://bucket or s3://bucket/prefix",
    );
  }
  const maskFound = get("vaultpilot:auditMaskFields");
  let maskFields: string[] = [];
  if (maskFound !== undefined) {
    const v = maskFound.value;
    if (
      !Array.isArray(v) ||
      !v.every((f) => typeof f === "string" && /^[A-Za-z0-9_:.-]+$/.test(f))
    ) {
      fail(
        "vaultpilot:auditMaskFields",
        v,
        "it must be a list of event field names, such as [apiKey, token]",
      );
    }
    maskFields = v as string[];
  }
  return {
    archive,
    bucketName,
    retention,
    ...(exportRoleArn && { exportRoleArn }),
    trail,
    organizationTrail: bool("vaultpilot:auditOrganizationTrail"),
    ...(trailLocation && { trailLocation }),
    maskFields,
  };
}
