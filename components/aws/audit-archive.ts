import type * as pulumi from "@pulumi/pulumi";
import { Trail } from "@pulumi/aws/cloudtrail/index.js";
import { Alias, Key } from "@pulumi/aws/kms/index.js";
import {
  Bucket,
  BucketObjectLockConfiguration,
  BucketPolicy,
  BucketPublicAccessBlock,
  BucketServerSideEncryptionConfiguration,
  BucketVersioning,
} from "@pulumi/aws/s3/index.js";
import {
  AUDIT_TRAIL_PREFIX as TRAIL_PREFIX,
  auditSigningKeyAlias,
  auditTrailName,
} from "../../cloud/aws/audit-naming.js";
import { VaultpilotComponent } from "./component.js";
import { KEY_ADMIN_ACTIONS } from "./tenant-key.js";
import type { PolicyDocument, PolicyStatement } from "../../cloud/aws/policy-document.js";

/** Object Lock retention: years or days (S3 accepts one of the two). */
export interface ArchiveRetention {
  readonly years?: number;
  readonly days?: number;
}

export interface AuditArchiveArgs {
  /** The stack it archives: names the signing key's alias and the trail. */
  readonly stack: string;
  /** The archive's AWS account (where the bucket, keys and trail live). */
  readonly account: string;
  /** The archive's region. */
  readonly region: string;
  /** The bucket's name, globally unique. */
  readonly bucketName: string;
  /**
   * How long every object version stays locked, in compliance mode (nobody, root included, can
   * shorten it or delete the version before it ends).
   * @default { years: 7 }
   */
  readonly retention?: ArchiveRetention;
  /** The role `vaultpilot audit export` runs as: the only principal allowed to sign manifests. */
  readonly exportRoleArn: string;
  /**
   * Also create the CloudTrail trail that writes into the archive (under `cloudtrail/`):
   * multi-region, global service events, log file validation, encrypted with the archive's key.
   * @default { enabled: false }
   */
  readonly trail?: { readonly enabled: boolean; readonly organization?: boolean };
}

/** Checks a retention: exactly one of years (1..100) or days (1..36,500), whole numbers. */
export function checkRetention(retention: ArchiveRetention): void {
  const { years, days } = retention;
  if ((years === undefined) === (days === undefined)) {
    throw new Error("audit archive retention: give years or days, not both and not neither");
  }
  const [value, max, unit] = years !== undefined ? [years, 100, "years"] : [days!, 36_500, "days"];
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(
      `audit archive retention ${value} ${unit} is out of range: S3 Object Lock takes 1 to ${max} ${unit}`,
    );
  }
}

const accountRootOf = (account: string) => `arn:aws:iam::${account}:root`;
const trailArn = (a: { account: string; region: string; stack: string }) =>
  `arn:aws:cloudtrail:${a.region}:${a.account}:trail/${auditTrailName(a.stack)}`;

/**
 * The bucket policy: deny any request over plain HTTP, deny every delete (objects, versions, the
 * bucket itself) to every principal, and, with the trail, let CloudTrail check the ACL and write
 * under `cloudtrail/AWSLogs/` with the owner in full control, only for this stack's trail.
 */
export function archiveBucketPolicy(args: {
  bucketName: string;
  account: string;
  region: string;
  stack: string;
  trail: boolean;
  organization: boolean;
}): PolicyDocument {
  const bucket = `arn:aws:s3:::${args.bucketName}`;
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["s3:*"],
      Resource: [bucket, `${bucket}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyDeletes",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: [
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:DeleteBucket",
        "s3:BypassGovernanceRetention",
      ],
      Resource: [bucket, `${bucket}/*`],
    },
  ];
  if (args.trail) {
    const source = { "aws:SourceArn": trailArn(args) };
    statements.push(
      {
        Sid: "CloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["s3:GetBucketAcl"],
        Resource: bucket,
        Condition: { StringEquals: source },
      },
      {
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["s3:PutObject"],
        // An organization trail writes AWSLogs/<o-id>/<account>/ for every member account.
        Resource: args.organization
          ? `${bucket}/${TRAIL_PREFIX}/AWSLogs/*`
          : `${bucket}/${TRAIL_PREFIX}/AWSLogs/${args.account}/*`,
        Condition: { StringEquals: { ...source, "s3:x-amz-acl": "bucket-owner-full-control" } },
      },
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The archive key (symmetric) that encrypts the bucket and the trail: administered by the
 * account, used through S3 by the account's principals, and by CloudTrail for this trail only.
 */
export function archiveKeyPolicy(args: {
  account: string;
  region: string;
  stack: string;
  trail: boolean;
}): PolicyDocument {
  const root = { AWS: accountRootOf(args.account) };
  const statements: PolicyStatement[] = [
    {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: root,
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
    {
      Sid: "AccountUsesThroughS3",
      Effect: "Allow",
      Principal: root,
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": `s3.${args.region}.amazonaws.com`,
          "kms:CallerAccount": args.account,
        },
      },
    },
  ];
  if (args.trail) {
    statements.push(
      {
        Sid: "CloudTrailEncryptsLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn(args) },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${args.account}:trail/*`,
          },
        },
      },
      {
        Sid: "CloudTrailDescribesKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn(args) } },
      },
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The manifest signing key's policy (asymmetric, SIGN_VERIFY): the account administers it and its
 * principals may verify and read the public key, only the export role may sign, and an explicit
 * deny keeps anyone else from signing whatever their IAM policies say.
 */
export function signingKeyPolicy(args: { account: string; exportRoleArn: string }): PolicyDocument {
  const root = { AWS: accountRootOf(args.account) };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "KeyAdministration",
        Effect: "Allow",
        Principal: root,
        // Asymmetric keys do not rotate: no rotation actions.
        Action: KEY_ADMIN_ACTIONS.filter((a) => !/KeyRotation/.test(a)),
        Resource: "*",
      },
      {
        Sid: "ExportRoleSigns",
        Effect: "Allow",
        Principal: { AWS: args.exportRoleArn },
        Action: ["kms:Sign"],
        Resource: "*",
      },
      {
        Sid: "AccountVerifies",
        Effect: "Allow",
        Principal: root,
        Action: ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"],
        Resource: "*",
      },
      {
        Sid: "NobodyElseSigns",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["kms:Sign"],
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": args.exportRoleArn } },
      },
    ],
  };
}

/**
 * Where audit exports are kept as evidence: an S3 bucket with Object Lock in compliance mode
 * (default retention from the stack, 7 years unless it says otherwise), versioning, KMS
 * encryption, public access blocked and a policy that denies plain HTTP and every delete; the
 * asymmetric key that signs export manifests; and, when asked, the CloudTrail trail itself.
 */
export class AuditArchive extends VaultpilotComponent {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;
  readonly signingKeyArn: pulumi.Output<string>;
  readonly signingKeyAlias: pulumi.Output<string>;
  readonly trailArn?: pulumi.Output<string>;

  constructor(name: string, args: AuditArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vaultpilot:aws:AuditArchive", name, { tenant: "*" }, opts);
    const retention = args.retention ?? { years: 7 };
    checkRetention(retention);
    const trail = args.trail ?? { enabled: false };
    const organization = trail.organization ?? false;
    const scope = {
      account: args.account,
      region: args.region,
      stack: args.stack,
      trail: trail.enabled,
    };

    const key = new Key(
      `${name}-key`,
      {
        description: `VaultPilot audit archive of stack ${args.stack}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: JSON.stringify(archiveKeyPolicy(scope)),
      },
      { parent: this },
    );
    const bucket = new Bucket(
      `${name}-bucket`,
      { bucket: args.bucketName, objectLockEnabled: true, forceDestroy: false },
      { parent: this, protect: true },
    );
    const versioning = new BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    new BucketObjectLockConfiguration(
      `${name}-lock`,
      {
        bucket: bucket.id,
        objectLockEnabled: "Enabled",
        rule: { defaultRetention: { mode: "COMPLIANCE", ...retention } },
      },
      { parent: this, dependsOn: [versioning] },
    );
    new BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyId: key.arn,
            },
            bucketKeyEnabled: true,
          },
        ],
      },
      { parent: this },
    );
    const publicAccess = new BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    const policy = new BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: JSON.stringify(
          archiveBucketPolicy({ ...scope, bucketName: args.bucketName, organization }),
        ),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    const signingKey = new Key(
      `${name}-signing-key`,
      {
        description: `VaultPilot audit manifest signing, stack ${args.stack}`,
        customerMasterKeySpec: "RSA_3072",
        keyUsage: "SIGN_VERIFY",
        deletionWindowInDays: 30,
        policy: JSON.stringify(
          signingKeyPolicy({ account: args.account, exportRoleArn: args.exportRoleArn }),
        ),
      },
      { parent: this },
    );
    const alias = new Alias(
      `${name}-signing-alias`,
      { name: auditSigningKeyAlias(args.stack), targetKeyId: signingKey.keyId },
      { parent: this },
    );
    if (trail.enabled) {
      const created = new Trail(
        `${name}-trail`,
        {
          name: auditTrailName(args.stack),
          s3BucketName: bucket.id,
          s3KeyPrefix: TRAIL_PREFIX,
          isMultiRegionTrail: true,
          includeGlobalServiceEvents: true,
          isOrganizationTrail: organization,
          enableLogFileValidation: true,
          enableLogging: true,
          kmsKeyId: key.arn,
        },
        { parent: this, dependsOn: [policy] },
      );
      this.trailArn = created.arn;
    }
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.keyArn = key.arn;
    this.signingKeyArn = signingKey.arn;
    this.signingKeyAlias = alias.name;
    this.registerOutputs({
      bucketName: this.bucketName,
      signingKeyArn: this.signingKeyArn,
      ...(this.trailArn && { trailArn: this.trailArn }),
    });
  }
}
