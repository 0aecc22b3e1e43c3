import type { Output } from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { runUnderMocks } from "../../actions/plan/run-program.js";
import { wildcardActions, type PolicyDocument } from "../../cloud/aws/policy-document.js";

const EXPORT_ROLE = "arn:aws:iam::123456789012:role/vaultpilot-audit-export";

async function recorded(extra: Record<string, unknown> = {}) {
  const { AuditArchive } = await import("../../components/aws/audit-archive.js");
  const resources = await runUnderMocks("test", (opts) => {
    new AuditArchive(
      "audit",
      {
        stack: "prod",
        account: "123456789012",
        region: "us-east-1",
        bucketName: "acme-vaultpilot-audit-prod",
        exportRoleArn: EXPORT_ROLE,
        ...extra,
      },
      opts,
    );
  });
  const of = (type: string) => resources.filter((r) => r.type === type);
  const one = (type: string) => {
    const found = of(type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  return { resources, of, one };
}

const policy = (inputs: Record<string, unknown>) =>
  JSON.parse(String(inputs.policy)) as PolicyDocument;

describe("AuditArchive", () => {
  test("creates the bucket, its lock, versioning, encryption, public access block, policy, and the two keys", async () => {
    const { resources } = await recorded();
    expect(resources.map((r) => `${r.type}::${r.name}`).sort()).toEqual([
      "aws:kms/alias:Alias::audit-signing-alias",
      "aws:kms/key:Key::audit-key",
      "aws:kms/key:Key::audit-signing-key",
      "aws:s3/bucket:Bucket::audit-bucket",
      "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration::audit-lock",
      "aws:s3/bucketPolicy:BucketPolicy::audit-policy",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::audit-public-access",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::audit-encryption",
      "aws:s3/bucketVersioning:BucketVersioning::audit-versioning",
      "vaultpilot:aws:AuditArchive::audit",
    ]);
  });

  test("locks every object version in compliance mode for 7 years by default, or the stack's retention", async () => {
    let { one } = await recorded();
    expect(one("aws:s3/bucket:Bucket").inputs).toMatchObject({
      objectLockEnabled: true,
      forceDestroy: false,
    });
    expect(
      one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs.rule,
    ).toEqual({
      defaultRetention: { mode: "COMPLIANCE", years: 7 },
    });
    expect(one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({
      status: "Enabled",
    });
    ({ one } = await recorded({ retention: { days: 400 } }));
    expect(
      one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").inputs.rule,
    ).toEqual({
      defaultRetention: { mode: "COMPLIANCE", days: 400 },
    });
  });

  test("refuses a retention S3 Object Lock does not accept", async () => {
    const { checkRetention } = await import("../../components/aws/audit-archive.js");
    expect(() => checkRetention({ years: 0 })).toThrow(/1 to 100 years/);
    expect(() => checkRetention({ days: 40_000 })).toThrow(/1 to 36500 days/);
    expect(() => checkRetention({ years: 1, days: 1 })).toThrow(/not both/);
  });

  test("encrypts with the archive's KMS key and blocks public access", async () => {
    const { one } = await recorded();
    const rules = one(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[];
    expect(rules[0]!.applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });

  test("the bucket policy denies plain HTTP and every delete to everyone", async () => {
    const { one } = await recorded();
    const doc = policy(one("aws:s3/bucketPolicy:BucketPolicy").inputs);
    const tls = doc.Statement.find((s) => s.Sid === "DenyInsecureTransport")!;
    expect(tls).toMatchObject({
      Effect: "Deny",
      Principal: { AWS: "*" },
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const deletes = doc.Statement.find((s) => s.Sid === "DenyDeletes")!;
    expect(deletes.Effect).toBe("Deny");
    expect(deletes.Action).toEqual(
      expect.arrayContaining(["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"]),
    );
    expect(doc.Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
  });

  test("the signing key is asymmetric SIGN_VERIFY, and only the export role may sign", async () => {
    const { of } = await recorded();
    const key = of("aws:kms/key:Key").find((r) => r.name === "audit-signing-key")!;
    expect(key.inputs).toMatchObject({
      keyUsage: "SIGN_VERIFY",
      customerMasterKeySpec: "RSA_3072",
    });
    const doc = policy(key.inputs);
    const signers = doc.Statement.filter(
      (s) => s.Effect === "Allow" && s.Action.includes("kms:Sign"),
    );
    expect(signers).toHaveLength(1);
    expect(signers[0]!.Principal).toEqual({ AWS: EXPORT_ROLE });
    expect(doc.Statement.find((s) => s.Sid === "NobodyElseSigns")).toMatchObject({
      Effect: "Deny",
      Action: ["kms:Sign"],
      Condition: { ArnNotEquals: { "aws:PrincipalArn": EXPORT_ROLE } },
    });
    expect(wildcardActions(doc)).toEqual([]);
    expect(of("aws:kms/alias:Alias")[0]!.inputs.name).toBe("alias/vaultpilot/audit/prod");
  });

  test("with the trail: multi-region, log file validation on, KMS-encrypted, writing under cloudtrail/ with a policy that lets only it in", async () => {
    const { one, of } = await recorded({ trail: { enabled: true } });
    expect(one("aws:cloudtrail/trail:Trail").inputs).toMatchObject({
      name: "vaultpilot-audit-prod",
      s3KeyPrefix: "cloudtrail",
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      isOrganizationTrail: false,
    });
    expect(one("aws:cloudtrail/trail:Trail").inputs.kmsKeyId).toBeDefined();
    const doc = policy(one("aws:s3/bucketPolicy:BucketPolicy").inputs);
    const write = doc.Statement.find((s) => s.Sid === "CloudTrailWrite")!;
    expect(write.Resource).toBe(
      "arn:aws:s3:::acme-vaultpilot-audit-prod/cloudtrail/AWSLogs/123456789012/*",
    );
    expect(write.Condition).toEqual({
      StringEquals: {
        "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/vaultpilot-audit-prod",
        "s3:x-amz-acl": "bucket-owner-full-control",
      },
    });
    const keyDoc = policy(of("aws:kms/key:Key").find((r) => r.name === "audit-key")!.inputs);
    expect(keyDoc.Statement.map((s) => s.Sid)).toContain("CloudTrailEncryptsLogs");
  });

  test("without the trail, no trail and no CloudTrail access", async () => {
    const { of } = await recorded();
    expect(of("aws:cloudtrail/trail:Trail")).toEqual([]);
    const keyDoc = policy(of("aws:kms/key:Key").find((r) => r.name === "audit-key")!.inputs);
    expect(JSON.stringify(keyDoc)).not.toContain("cloudtrail");
  });
});

describe("the Pulumi entry with vaultpilot:auditArchive", () => {
  test("creates one AuditArchive for the stack (not per tenant), in the export role's account, and exports its bucket", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          created.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:mock:${args.name}` } };
        },
        call: () => ({}),
      },
      "vaultpilot",
      "prod",
      false,
    );
    pulumi.runtime.setAllConfig({
      "vaultpilot:policyDir": "policies",
      "vaultpilot:tenants": JSON.stringify(["acme", "globex"]),
      "vaultpilot:auditArchive": "true",
      "vaultpilot:auditExportRoleArn": "arn:aws:iam::555555555555:role/audit-export",
      "vaultpilot:auditTrail": "true",
    });
    const entry = (await import("../../program/pulumi/index.js")) as {
      auditArchiveBucket?: Output<string>;
    };
    const bucket = await new Promise<string>((resolve) => entry.auditArchiveBucket!.apply(resolve));
    await pulumi.runtime.disconnect();
    expect(
      created.filter((r) => r.type === "vaultpilot:aws:AuditArchive").map((r) => r.name),
    ).toEqual(["prod-audit"]);
    expect(bucket).toBe("vaultpilot-audit-prod");
    const trail = created.find((r) => r.type === "aws:cloudtrail/trail:Trail")!;
    expect(trail.inputs.name).toBe("vaultpilot-audit-prod");
    const signing = created.find((r) => r.name === "prod-audit-signing-key")!;
    expect(String(signing.inputs.policy)).toContain("arn:aws:iam::555555555555:root");
  });
});
