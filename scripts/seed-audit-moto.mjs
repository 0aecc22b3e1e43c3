// npm run seed:audit: fills a running moto server (AWS_ENDPOINT_URL) with what `vaultpilot audit
// export` reads, for trying it by hand: 30 days of CloudTrail log files for the example policies'
// tenants in the bucket vaultpilot-cloudtrail, with hourly digests signed by a key this script
// generates (moto's trails write nothing and moto has no ListPublicKeys: the public key goes to
// ./cloudtrail-public-keys.json), the tenants' KMS aliases, the manifest signing key
// alias/vaultpilot/audit/prod, and rotation log lines for acme (moto keeps only 14 days of logs).
import { writeFileSync } from "node:fs";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { importTypeScript } from "./import-typescript.mjs";

const endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint) {
  console.error("seed-audit: set AWS_ENDPOINT_URL to the moto server (e.g. http://127.0.0.1:5000)");
  process.exit(1);
}
const lib = await importTypeScript(
  "seed-audit",
  `
      export { TrailWriter, trailEvent } from "./test/audit/trail-writer.ts";
      export { validatePolicies } from "./program/validate.ts";
    `,
);
const model = lib.validatePolicies("policies").model;
const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
};
const s3 = new S3Client({ ...config, forcePathStyle: true });
const kms = new KMSClient(config);
const bucket = "vaultpilot-cloudtrail";
await s3.send(new CreateBucketCommand({ Bucket: bucket }));
const signing = await kms.send(
  new CreateKeyCommand({ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" }),
);
await kms.send(
  new CreateAliasCommand({
    AliasName: "alias/vaultpilot/audit/prod",
    TargetKeyId: signing.KeyMetadata.KeyId,
  }),
);

const DAY = 86_400_000;
const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
const first = today - 30 * DAY;
const iso = (t) => new Date(t).toISOString().replace(/\.\d+Z$/, "Z");
const actors = ["alice", "bob", "ci-deploy"];
let events = 0;
const keys = [];
for (const tenant of model.tenants) {
  const region = tenant.aws.region;
  const regional = new KMSClient({ ...config, region });
  const key = await regional.send(new CreateKeyCommand({ Description: tenant.name }));
  await regional.send(
    new CreateAliasCommand({
      AliasName: `alias/vaultpilot/${tenant.name}`,
      TargetKeyId: key.KeyMetadata.KeyId,
    }),
  );
  regional.destroy();
  const account = tenant.aws.account;
  const writer = new lib.TrailWriter(s3, bucket, { account, region, trail: "org" });
  keys.push(...JSON.parse(writer.keyFile()).PublicKeyList);
  for (let day = 0; day < 30; day++) {
    for (let hour = 8; hour < 18; hour += 3) {
      const at = first + day * DAY + hour * 3_600_000;
      const records = tenant.secrets.flatMap((secret, i) => [
        lib.trailEvent({
          time: iso(at + i * 60_000),
          source: "secretsmanager.amazonaws.com",
          name: "GetSecretValue",
          account,
          region,
          request: { secretId: `vaultpilot/${tenant.name}/${secret.name}` },
          extra: {
            userIdentity: {
              type: "AssumedRole",
              arn: `arn:aws:sts::${account}:assumed-role/app/${actors[(day + i) % 3]}`,
              accountId: account,
            },
          },
        }),
        lib.trailEvent({
          time: iso(at + i * 60_000 + 1000),
          source: "kms.amazonaws.com",
          name: "Decrypt",
          account,
          region,
          request: { keyId: `alias/vaultpilot/${tenant.name}` },
        }),
      ]);
      await writer.putLogFile(new Date(at + 10 * 60_000), records);
      events += records.length;
      await writer.putDigest(new Date(at + 60 * 60_000));
    }
  }
}
// Each writer (an account and region, as CloudTrail signs per region) made its key pair: list them all.
writeFileSync("cloudtrail-public-keys.json", JSON.stringify({ PublicKeyList: keys }, null, 2));
console.log(
  `seed-audit: ${events} CloudTrail events over 30 days in s3://${bucket}, signed digests`,
);

const logs = new CloudWatchLogsClient(config);
const group = "/vaultpilot/acme/rotation/postgres";
await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: "run-1" }));
const t0 = today - 3 * DAY + 2 * 3_600_000;
const line = (i, step, outcome) => ({
  timestamp: t0 + i * 1000,
  message: JSON.stringify({
    time: new Date(t0 + i * 1000).toISOString(),
    tenant: "acme",
    secretArn:
      "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/orders-db-AbCdEf",
    step,
    outcome,
    attempt: 1,
    durationMs: 40,
    versions: { pending: "v2", current: "v1" },
  }),
});
await logs.send(
  new PutLogEventsCommand({
    logGroupName: group,
    logStreamName: "run-1",
    logEvents: ["createSecret", "setSecret", "testSecret", "finishSecret"].map((s, i) =>
      line(i, s, "succeeded"),
    ),
  }),
);
logs.destroy();
s3.destroy();
kms.destroy();
const from = new Date(first).toISOString().slice(0, 10);
const to = new Date(today - DAY).toISOString().slice(0, 10);
console.log(`try:
  npx vaultpilot audit export --from ${from} --to ${to} --tenant acme --trail s3://${bucket} \\
    --signing-key alias/vaultpilot/audit/prod --cloudtrail-public-keys cloudtrail-public-keys.json --out acme-audit
  npx vaultpilot audit verify acme-audit`);
