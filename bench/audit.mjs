// npm run bench:audit: `vaultpilot audit export` and `audit verify` over generated CloudTrail
// events in moto's S3 (log files every 5 minutes over 30 days, hourly signed digests), at each
// size in BENCH_EVENTS (default 100000,1000000): export time, events/s, peak memory (which must
// stay bounded as the count grows), and verify time. Each measurement runs in its own process.
import { spawn } from "node:child_process";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const SIZES = (process.env.BENCH_EVENTS ?? "100000,1000000").split(",").map(Number);
const DAYS = 30;
const FILE_MINUTES = 5;
const ACCOUNT = "123456789012";
const TENANTS = ["acme", "globex", "initech", "umbrella"];
const root = new URL("..", import.meta.url).pathname;

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const endpoint = `http://127.0.0.1:${port}`;
const moto = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
  stdio: "ignore",
});
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
  } catch {
    if (i > 600) throw new Error("moto did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
}
const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
};
const s3 = new S3Client({ ...config, forcePathStyle: true });
const kms = new KMSClient(config);
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: "us-east-1",
};

const work = mkdtempSync(join(tmpdir(), "vp-bench-audit-"));
const policies = join(work, "policies");
const policyFiles = {};
for (const t of TENANTS) {
  policyFiles[`${t}.yaml`] = `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata: { name: ${t} }
spec: { plan: enterprise, aws: { account: "${ACCOUNT}", region: us-east-1 } }
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: main-db, tenant: ${t} }
spec: { type: generic, schedule: monthly, consumers: [api-svc] }
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata: { name: api-svc, tenant: ${t} }
spec: { runtime: ecs }
`;
}
policyFiles["schedule.yaml"] =
  "apiVersion: vaultpilot.dev/v1\nkind: RotationSchedule\nmetadata: { name: monthly }\nspec: { every: 30d }\n";
const { mkdirSync } = await import("node:fs");
mkdirSync(policies);
for (const [name, text] of Object.entries(policyFiles)) writeFileSync(join(policies, name), text);

const signing = await kms.send(
  new CreateKeyCommand({ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" }),
);
for (const t of TENANTS) {
  const key = await kms.send(new CreateKeyCommand({}));
  await kms.send(
    new CreateAliasCommand({
      AliasName: `alias/vaultpilot/${t}`,
      TargetKeyId: key.KeyMetadata.KeyId,
    }),
  );
}
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const der = publicKey.export({ format: "der", type: "pkcs1" });
const fingerprint = createHash("md5").update(der).digest("hex");
const keyFile = join(work, "cloudtrail-keys.json");
writeFileSync(
  keyFile,
  JSON.stringify({ PublicKeyList: [{ Value: der.toString("base64"), Fingerprint: fingerprint }] }),
);
const { PublicKey } = await kms.send(
  new (await import("@aws-sdk/client-kms")).GetPublicKeyCommand({ KeyId: signing.KeyMetadata.Arn }),
);
const { createPublicKey } = await import("node:crypto");
const pemFile = join(work, "audit-key.pem");
writeFileSync(
  pemFile,
  createPublicKey({ key: Buffer.from(PublicKey), format: "der", type: "spki" }).export({
    format: "pem",
    type: "spki",
  }),
);

/** Uploads `events` events over 30 days starting 2026-09-01 into bucket `bucket`; returns seconds taken. */
async function seed(bucket, events) {
  const started = Date.now();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const start = Date.UTC(2026, 8, 1);
  const files = (DAYS * 24 * 60) / FILE_MINUTES;
  const perFile = Math.ceil(events / files);
  let made = 0;
  let pending = [];
  let previous = null;
  const puts = [];
  const flush = async () => {
    await Promise.all(puts.splice(0));
  };
  for (let f = 0; f < files && made < events; f++) {
    const delivered = new Date(start + (f + 1) * FILE_MINUTES * 60_000);
    const records = [];
    for (let i = 0; i < perFile && made < events; i++, made++) {
      const t = TENANTS[made % TENANTS.length];
      const time = new Date(delivered.getTime() - 60_000 - i * 1000)
        .toISOString()
        .replace(/\.\d+Z$/, "Z");
      records.push(
        `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/app/${i}","accountId":"${ACCOUNT}"},"eventTime":"${time}","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","awsRegion":"us-east-1","sourceIPAddress":"10.0.${i % 250}.7","userAgent":"aws-sdk-js/3","requestParameters":{"secretId":"vaultpilot/${t}/main-db"},"responseElements":null,"requestID":"r-${made}","eventID":"e-${made}","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"${ACCOUNT}"}`,
      );
    }
    const json = `{"Records":[${records.join(",")}]}`;
    const day = delivered.toISOString().slice(0, 10).replace(/-/g, "/");
    const stamp = delivered.toISOString().replace(/[-:]/g, "").slice(0, 13);
    const key = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${day}/${ACCOUNT}_CloudTrail_us-east-1_${stamp}Z_f${f}.json.gz`;
    pending.push({
      s3Bucket: bucket,
      s3Object: key,
      hashValue: createHash("sha256").update(json).digest("hex"),
      hashAlgorithm: "SHA-256",
    });
    puts.push(
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: gzipSync(json, { level: constants.Z_BEST_SPEED }),
        }),
      ),
    );
    if (puts.length >= 16) await flush();
    // Hourly digests, chained and signed as CloudTrail does (and one after the last file).
    if ((f + 1) % (60 / FILE_MINUTES) === 0 || made >= events) {
      const end = new Date(delivered.getTime() + 60_000);
      const endText = end.toISOString().replace(/\.\d+Z$/, "Z");
      const dday = end.toISOString().slice(0, 10).replace(/-/g, "/");
      const dstamp = endText.replace(/[-:]/g, "");
      const dkey = `AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/${dday}/${ACCOUNT}_CloudTrail-Digest_us-east-1_bench_us-east-1_${dstamp}.json.gz`;
      const digest = JSON.stringify({
        awsAccountId: ACCOUNT,
        digestStartTime: new Date(end.getTime() - 3_600_000).toISOString().replace(/\.\d+Z$/, "Z"),
        digestEndTime: endText,
        digestS3Bucket: bucket,
        digestS3Object: dkey,
        digestPublicKeyFingerprint: fingerprint,
        digestSignatureAlgorithm: "SHA256withRSA",
        previousDigestS3Bucket: previous ? bucket : null,
        previousDigestS3Object: previous?.key ?? null,
        previousDigestHashValue: previous?.hash ?? null,
        previousDigestHashAlgorithm: previous ? "SHA-256" : null,
        previousDigestSignature: previous?.signature ?? null,
        logFiles: pending,
      });
      const hash = createHash("sha256").update(digest).digest("hex");
      const signature = sign(
        "sha256",
        Buffer.from(`${endText}\n${bucket}/${dkey}\n${hash}\n${previous?.signature ?? "null"}`),
        privateKey,
      ).toString("hex");
      puts.push(
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: dkey,
            Body: gzipSync(digest),
            Metadata: { signature, "signature-algorithm": "SHA256withRSA" },
          }),
        ),
      );
      previous = { key: dkey, hash, signature };
      pending = [];
    }
  }
  await flush();
  return (Date.now() - started) / 1000;
}

/** Runs the built CLI in a fresh process: wall time and peak RSS. */
function measure(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      ["--import", join(root, "bench/audit-rss.mjs"), join(root, "dist/cli/main.js"), ...args],
      { env, cwd: work, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const kb = Number(/bench-maxrss-kb (\d+)/.exec(err)?.[1] ?? 0);
      resolve({
        code,
        seconds,
        mb: kb / 1024,
        out,
        err: err.replace(/\n?bench-maxrss-kb \d+\n/, ""),
      });
    });
  });
}

const rows = [];
try {
  for (const events of SIZES) {
    const bucket = `trail-${events}`;
    const seeded = await seed(bucket, events);
    const out = join(work, `export-${events}`);
    const exported = await measure([
      "audit",
      "export",
      "--from",
      "2026-09-01",
      "--to",
      "2026-09-30",
      "-p",
      policies,
      "--trail",
      `s3://${bucket}`,
      "--signing-key",
      signing.KeyMetadata.Arn,
      "--cloudtrail-public-keys",
      keyFile,
      "--format",
      "jsonl,csv",
      "--out",
      out,
    ]);
    if (exported.code !== 0)
      throw new Error(
        `export of ${events} events exited ${exported.code}: ${exported.err}${exported.out}`,
      );
    const records = Number(/: ([\d,]+) records/.exec(exported.out)?.[1].replace(/,/g, ""));
    const verified = await measure(["audit", "verify", out, "--public-key", pemFile]);
    if (verified.code !== 0) throw new Error(`verify exited ${verified.code}: ${verified.out}`);
    const jsonlMb = statSync(join(out, "events.jsonl")).size / 1048576;
    rows.push({ events, records, seeded, exported, verified, jsonlMb });
    console.log(
      `${events.toLocaleString("en-US")} events (${records.toLocaleString("en-US")} exported, JSONL ${jsonlMb.toFixed(0)} MiB): ` +
        `seeding moto ${seeded.toFixed(1)} s; export ${exported.seconds.toFixed(1)} s = ${Math.round(records / exported.seconds).toLocaleString("en-US")} events/s, ` +
        `peak RSS ${exported.mb.toFixed(0)} MiB; verify ${verified.seconds.toFixed(1)} s (offline), peak RSS ${verified.mb.toFixed(0)} MiB`,
    );
    rmSync(out, { recursive: true, force: true });
  }
} finally {
  s3.destroy();
  kms.destroy();
  moto.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
if (rows.length > 1) {
  const [a, b] = [rows[0], rows.at(-1)];
  console.log(
    `memory ratio ${b.events / a.events}x events: peak RSS ${(b.exported.mb / a.exported.mb).toFixed(2)}x (bounded if close to 1); ` +
      `time ratio ${(b.exported.seconds / a.exported.seconds).toFixed(1)}x`,
  );
}
