import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { policyTree } from "../support/policy-tree.js";
import { MOTO_CREDENTIALS } from "../support/moto.js";
import { TrailWriter, trailEvent } from "./trail-writer.js";

export const ACCOUNT = "123456789012";
export const OTHER_ACCOUNT = "999999999999";
export const CANARY = "canary-5d1e0b77-never-print-me";
const DAY = 86_400_000;

/** Two tenants in one account (isolation is by name, not account) and a third elsewhere. */
export const POLICIES = {
  "schedules.yaml": `apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: monthly
spec:
  every: 30d
`,
  "tenants/acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: pro
  aws:
    account: "${ACCOUNT}"
    region: us-east-1
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: orders-db
  tenant: acme
spec:
  type: postgres
  schedule: monthly
  consumers: [orders-api]
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: orders-api
  tenant: acme
spec:
  runtime: ecs
`,
  "tenants/acme-eu.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme-eu
spec:
  plan: pro
  aws:
    account: "${ACCOUNT}"
    region: us-east-1
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: orders-db
  tenant: acme-eu
spec:
  type: api-key
  schedule: monthly
  consumers: [web]
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: web
  tenant: acme-eu
spec:
  runtime: ecs
`,
};

export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The period the tests export: the three days before yesterday (moto's logs accept 14 days back). */
export function testPeriod(now = Date.now()) {
  const today = Date.parse(`${isoDay(now)}T00:00:00Z`);
  const first = today - 4 * DAY;
  return {
    first,
    from: isoDay(first),
    to: isoDay(first + 2 * DAY),
    at: (day: number, hour: number, minute = 0) =>
      new Date(first + day * DAY + hour * 3_600_000 + minute * 60_000),
  };
}

export interface Scenario {
  readonly s3: S3Client;
  readonly kms: KMSClient;
  readonly logs: CloudWatchLogsClient;
  readonly writer: TrailWriter;
  readonly signingKeyArn: string;
  readonly tenantKeyArn: string;
  readonly tenantKeyId: string;
  readonly period: ReturnType<typeof testPeriod>;
  readonly dir: string;
  readonly keyFile: string;
  readonly env: Record<string, string>;
  /** Events for acme that the export must hold, by eventID. */
  readonly expectedIds: string[];
  destroy(): void;
}

/**
 * moto with: a trail bucket holding two days of log files (acme's and acme-eu's events mixed,
 * older field names, KMS by id/ARN/alias, a rotation event, IAM on acme's role, a denied call, a
 * canary value in request parameters) and an hourly digest chain signed with the test's key; the
 * tenant key and the manifest signing key in KMS; a rotation log group with engine lines.
 */
export async function scenario(
  endpoint: string,
  options: { digests?: boolean; files?: boolean } = {},
): Promise<Scenario> {
  const config = { ...MOTO_CREDENTIALS, endpoint };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const kms = new KMSClient(config);
  const logs = new CloudWatchLogsClient(config);
  await s3.send(new CreateBucketCommand({ Bucket: "trail-bucket" }));
  const signing = await kms.send(
    new CreateKeyCommand({ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" }),
  );
  const tenantKey = await kms.send(new CreateKeyCommand({ Description: "acme" }));
  await kms.send(
    new CreateAliasCommand({
      AliasName: "alias/vaultpilot/acme",
      TargetKeyId: tenantKey.KeyMetadata!.KeyId!,
    }),
  );
  const euKey = await kms.send(new CreateKeyCommand({ Description: "acme-eu" }));
  await kms.send(
    new CreateAliasCommand({
      AliasName: "alias/vaultpilot/acme-eu",
      TargetKeyId: euKey.KeyMetadata!.KeyId!,
    }),
  );
  const tenantKeyArn = tenantKey.KeyMetadata!.Arn!;
  const tenantKeyId = tenantKey.KeyMetadata!.KeyId!;
  const writer = new TrailWriter(s3, "trail-bucket", {
    account: ACCOUNT,
    region: "us-east-1",
    trail: "main",
  });
  const period = testPeriod();
  const secretArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:vaultpilot/acme/orders-db-AbCdEf`;
  const expectedIds: string[] = [];
  const t = (day: number, hour: number, minute = 0) =>
    period
      .at(day, hour, minute)
      .toISOString()
      .replace(/\.\d+Z$/, "Z");
  const mine = (e: Record<string, unknown>) => {
    expectedIds.push(String(e.eventID));
    return e;
  };
  if (options.files !== false) {
    const sm = "secretsmanager.amazonaws.com";
    const day0 = [
      mine(
        trailEvent({
          time: t(0, 9),
          source: sm,
          name: "GetSecretValue",
          account: ACCOUNT,
          request: { secretId: "vaultpilot/acme/orders-db" },
        }),
      ),
      trailEvent({
        time: t(0, 9, 5),
        source: sm,
        name: "GetSecretValue",
        account: ACCOUNT,
        request: { secretId: "vaultpilot/acme-eu/orders-db" },
      }),
      mine(
        trailEvent({
          time: t(0, 9, 10),
          source: sm,
          name: "PutSecretValue",
          account: ACCOUNT,
          request: { secretId: secretArn, secretString: CANARY, clientRequestToken: "tok" },
        }),
      ),
      // An older event: eventVersion 1.05 and SecretId spelt the old way.
      mine({
        ...trailEvent({
          time: t(0, 9, 20),
          source: sm,
          name: "DescribeSecret",
          account: ACCOUNT,
          request: { SecretId: "vaultpilot/acme/orders-db" },
        }),
        eventVersion: "1.05",
      }),
      mine(
        trailEvent({
          time: t(0, 9, 30),
          source: "kms.amazonaws.com",
          name: "Decrypt",
          account: ACCOUNT,
          request: { encryptionContext: { SecretARN: secretArn } },
          extra: { resources: [{ ARN: tenantKeyArn, accountId: ACCOUNT, type: "AWS::KMS::Key" }] },
        }),
      ),
      mine(
        trailEvent({
          time: t(0, 9, 40),
          source: "kms.amazonaws.com",
          name: "DescribeKey",
          account: ACCOUNT,
          request: { keyId: tenantKeyId },
        }),
      ),
      mine(
        trailEvent({
          time: t(0, 9, 50),
          source: "kms.amazonaws.com",
          name: "PutKeyPolicy",
          account: ACCOUNT,
          request: { keyId: "alias/vaultpilot/acme", policyName: "default", policy: "{}" },
        }),
      ),
      trailEvent({
        time: t(0, 9, 55),
        source: "kms.amazonaws.com",
        name: "DescribeKey",
        account: ACCOUNT,
        request: { keyId: "alias/vaultpilot/acme-eu" },
      }),
    ];
    const day0b = [
      mine(
        trailEvent({
          time: t(0, 10, 1),
          source: sm,
          name: "RotationSucceeded",
          account: ACCOUNT,
          extra: {
            eventType: "AwsServiceEvent",
            userIdentity: { accountId: ACCOUNT, invokedBy: "secretsmanager.amazonaws.com" },
            additionalEventData: { SecretId: secretArn },
          },
        }),
      ),
      mine(
        trailEvent({
          time: t(0, 10, 2),
          source: "iam.amazonaws.com",
          name: "PutRolePolicy",
          account: ACCOUNT,
          request: {
            roleName: "vaultpilot.acme.access.orders-api",
            policyName: "read",
            policyDocument: "{}",
          },
        }),
      ),
      mine(
        trailEvent({
          time: t(0, 10, 3),
          source: sm,
          name: "GetSecretValue",
          account: ACCOUNT,
          request: { secretId: secretArn },
          errorCode: "AccessDeniedException",
        }),
      ),
      // A field the stack lists for masking (vaultpilot:auditMaskFields / --mask apiToken).
      mine(
        trailEvent({
          time: t(0, 10, 4),
          source: sm,
          name: "UpdateSecret",
          account: ACCOUNT,
          request: { secretId: "vaultpilot/acme/orders-db", description: "x", apiToken: CANARY },
        }),
      ),
      trailEvent({
        time: t(0, 10, 5),
        source: "iam.amazonaws.com",
        name: "PutRolePolicy",
        account: ACCOUNT,
        request: { roleName: "vaultpilot.acme-eu.access.web" },
      }),
      // Outside the period: before its first day.
      trailEvent({
        time: new Date(period.first - 60_000).toISOString(),
        source: sm,
        name: "GetSecretValue",
        account: ACCOUNT,
        request: { secretId: "vaultpilot/acme/orders-db" },
      }),
    ];
    const day1 = [
      mine(
        trailEvent({
          time: t(1, 14),
          source: sm,
          name: "GetSecretValue",
          account: ACCOUNT,
          request: { secretId: "vaultpilot/acme/orders-db" },
        }),
      ),
      // Another account's secret of the same name is not acme's.
      trailEvent({
        time: t(1, 14, 5),
        source: sm,
        name: "GetSecretValue",
        account: OTHER_ACCOUNT,
        request: { secretId: "vaultpilot/acme/orders-db" },
      }),
    ];
    await writer.putLogFile(period.at(0, 9, 58), day0);
    await writer.putLogFile(period.at(0, 10, 10), day0b);
    if (options.digests !== false) await writer.putDigest(period.at(0, 10, 30));
    await writer.putLogFile(period.at(1, 14, 10), day1);
    if (options.digests !== false) await writer.putDigest(period.at(1, 15, 0));
    if (options.digests !== false) await writer.putDigest(period.at(2, 15, 0));
  }

  // The rotation engine's audit lines, as the Lambda writes them to its log group.
  const group = "/vaultpilot/acme/rotation/postgres";
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "2026/run1" }));
  const line = (minute: number, step: string, outcome: string, detail?: string) => ({
    timestamp: period.at(1, 3, minute).getTime(),
    message: JSON.stringify({
      time: period.at(1, 3, minute).toISOString(),
      tenant: "acme",
      secretArn,
      step,
      outcome,
      attempt: 1,
      durationMs: 12,
      versions: { pending: "v2", current: "v1" },
      ...(detail && { detail }),
    }),
  });
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: "2026/run1",
      logEvents: [
        { timestamp: period.at(1, 3, 0).getTime(), message: "START RequestId: 1 Version: $LATEST" },
        line(1, "createSecret", "succeeded"),
        line(2, "setSecret", "failed", "connection refused"),
        line(3, "setSecret", "succeeded"),
      ],
    }),
  );

  const { dir, remove } = policyTree(POLICIES);
  const keyFile = join(mkdtempSync(join(tmpdir(), "vp-keys-")), "cloudtrail-keys.json");
  writeFileSync(keyFile, writer.keyFile());
  return {
    s3,
    kms,
    logs,
    writer,
    signingKeyArn: signing.KeyMetadata!.Arn!,
    tenantKeyArn,
    tenantKeyId,
    period,
    dir,
    keyFile,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_MAX_ATTEMPTS: "1",
    },
    expectedIds,
    destroy() {
      s3.destroy();
      kms.destroy();
      logs.destroy();
      remove();
    },
  };
}
