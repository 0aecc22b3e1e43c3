import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { runCli } from "../support/cli.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import { CreateAliasCommand, GetPublicKeyCommand } from "@aws-sdk/client-kms";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
} from "@aws-sdk/client-s3";
import { gzipSync } from "node:zlib";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { runExport } from "../../actions/audit/export.js";
import { parsePeriod } from "../../actions/audit/period.js";
import { KmsManifestSigner } from "../../actions/audit/signing.js";
import { ACCOUNT, CANARY, scenario, type Scenario } from "./scenario.js";
import { TrailWriter, trailEvent } from "./trail-writer.js";

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validManifest = ajv.compile(
  JSON.parse(readFileSync("schemas/audit-manifest.schema.json", "utf8")) as object,
);

let moto: MotoServer;
let s: Scenario;
let work: string;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  s = await scenario(moto.endpoint);
  work = mkdtempSync(join(tmpdir(), "vp-audit-"));
});
afterEach(() => s.destroy());

function exportArgs(out: string, extra: string[] = []) {
  return [
    "audit",
    "export",
    "--from",
    s.period.from,
    "--to",
    s.period.to,
    "--tenant",
    "acme",
    "-p",
    s.dir,
    "--trail",
    "s3://trail-bucket",
    "--signing-key",
    s.signingKeyArn,
    "--cloudtrail-public-keys",
    s.keyFile,
    "--mask",
    "apiToken",
    "--out",
    out,
    ...extra,
  ];
}

const lines = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");

describe("vaultpilot audit export", () => {
  test("exports exactly the tenant's events from CloudTrail and its rotation logs, every digest valid, exit 0", async () => {
    const out = join(work, "out");
    const run = await runCli(exportArgs(out), { env: s.env });
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "events.csv",
      "events.jsonl",
      "manifest.json",
      "manifest.sig",
    ]);
    const records = lines(join(out, "events.jsonl")).map((l) => JSON.parse(l));
    const trail = records.filter((r) => r.source === "cloudtrail");
    expect(trail.map((r) => r.eventId).sort()).toEqual([...s.expectedIds].sort());
    expect(records.every((r) => r.tenant === "acme")).toBe(true);
    const rotation = records.filter((r) => r.source === "rotation-log");
    expect(rotation.map((r) => `${r.action} ${r.outcome}`)).toEqual([
      "rotation:createSecret success",
      "rotation:setSecret failure",
      "rotation:setSecret success",
    ]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(validManifest(manifest), JSON.stringify(validManifest.errors)).toBe(true);
    expect(manifest.problemCount).toBe(0);
    expect(manifest.sources.cloudTrail[0].logFiles).toMatchObject({
      listed: 3,
      read: 3,
      validated: 3,
    });
    expect(manifest.sources.cloudTrail[0].digests).toMatchObject({
      listed: 3,
      valid: 3,
      invalid: 0,
    });
    expect(manifest.counts.records).toBe(records.length);
    expect(run.stdout).toContain(`${records.length} records`);
  });
});

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

describe("audit export: masking", () => {
  test("a canary value in request parameters is masked in the JSONL, the CSV, the manifest and the summary", async () => {
    const out = join(work, "out");
    const run = await runCli(exportArgs(out), { env: s.env });
    expect(run.code).toBe(0);
    expect(allText(out)).not.toContain(CANARY);
    expect(run.stdout + run.stderr).not.toContain(CANARY);
    const put = lines(join(out, "events.jsonl"))
      .map((l) => JSON.parse(l))
      .find((r) => r.action === "secretsmanager:PutSecretValue");
    expect(put.event.requestParameters.secretString).toBe("[masked]");
    const update = lines(join(out, "events.jsonl"))
      .map((l) => JSON.parse(l))
      .find((r) => r.action === "secretsmanager:UpdateSecret");
    expect(update.event.requestParameters.apiToken).toBe("[masked]");
  });

  test("without --mask apiToken the policy-listed field would carry the canary (the mask is what removes it)", async () => {
    const out = join(work, "out");
    const args = exportArgs(out);
    args.splice(args.indexOf("--mask"), 2);
    const run = await runCli(args, { env: s.env });
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, "events.jsonl"), "utf8")).toContain(CANARY);
  });
});

describe("vaultpilot audit verify", () => {
  async function exported() {
    const out = join(work, "out");
    const run = await runCli(exportArgs(out), { env: s.env });
    expect(run.code, run.stderr).toBe(0);
    return out;
  }

  test("an untouched export is intact, checked with KMS Verify: exit 0", async () => {
    const out = await exported();
    const run = await runCli(["audit", "verify", out], { env: s.env });
    expect(run.stdout).toContain("✔ intact");
    expect(run.stdout).toContain("KMS Verify");
    expect(run.code).toBe(0);
  });

  test("checks offline with the key's public half from KMS GetPublicKey", async () => {
    const out = await exported();
    const { PublicKey } = await s.kms.send(new GetPublicKeyCommand({ KeyId: s.signingKeyArn }));
    const pem = createPublicKey({
      key: Buffer.from(PublicKey!),
      format: "der",
      type: "spki",
    }).export({ format: "pem", type: "spki" });
    const keyFile = join(work, "audit-key.pem");
    writeFileSync(keyFile, pem);
    const run = await runCli(["audit", "verify", out, "--public-key", keyFile], { env: {} });
    expect(run.stdout).toContain("the public key given");
    expect(run.code).toBe(0);
  });

  test("one character changed in a JSONL line names that line: exit 1", async () => {
    const out = await exported();
    const file = join(out, "events.jsonl");
    const all = lines(file);
    all[4] = all[4]!.replace("alice", "alicf");
    writeFileSync(file, `${all.join("\n")}\n`);
    const run = await runCli(["audit", "verify", out], { env: s.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✘ broken");
    expect(run.stdout).toMatch(/events\.jsonl: line 5 was changed/);
  });

  test("the last line changed, a line removed, or a prev edited are each named", async () => {
    const out = await exported();
    const file = join(out, "events.jsonl");
    const original = lines(file);
    const n = original.length;
    const cases: [string[], RegExp][] = [
      [
        original.map((l, i) => (i === n - 1 ? l.replace("rotation", "rotatiom") : l)),
        new RegExp(`line ${n} was changed`),
      ],
      [original.filter((_, i) => i !== 2), /line 3 carries line number 4/],
      [
        original.map((l, i) => (i === 6 ? l.replace(/"prev":"[0-9a-f]/, '"prev":"x') : l)),
        /line 7 was changed: it records prev/,
      ],
      [[original[1]!, ...original.slice(1)], /line 1 carries line number 2/],
    ];
    for (const [content, expected] of cases) {
      writeFileSync(file, `${content.join("\n")}\n`);
      const run = await runCli(["audit", "verify", out], { env: s.env });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(expected);
    }
  });

  test("an edited CSV or manifest is broken; a missing signature cannot be checked (exit 2)", async () => {
    const out = await exported();
    const csv = readFileSync(join(out, "events.csv"), "utf8");
    writeFileSync(join(out, "events.csv"), csv.replace("success", "failure"));
    let run = await runCli(["audit", "verify", out], { env: s.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("events.csv was changed");
    writeFileSync(join(out, "events.csv"), csv);
    const manifest = readFileSync(join(out, "manifest.json"), "utf8");
    writeFileSync(
      join(out, "manifest.json"),
      manifest.replace('"problemCount": 0', '"problemCount": 1'),
    );
    run = await runCli(["audit", "verify", out], { env: s.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("does not match its signature");
    writeFileSync(join(out, "manifest.json"), manifest);
    const sig = readFileSync(join(out, "manifest.sig"));
    rmSync(join(out, "manifest.sig"));
    run = await runCli(["audit", "verify", out], { env: s.env });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("manifest.sig not found");
    writeFileSync(join(out, "manifest.sig"), sig);
    run = await runCli(["audit", "verify", join(work, "nowhere")], { env: s.env });
    expect(run.code).toBe(2);
    run = await runCli(["audit", "verify", out], {
      env: { ...s.env, AWS_ENDPOINT_URL: "http://127.0.0.1:9" },
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("could not check");
  });
});

describe("audit export: bad input", () => {
  test("truncated, non-gzip, undigested, altered and phantom log files, a forged digest and malformed events are each named; the rest is exported, exit 1", async () => {
    const w = s.writer;
    const at = s.period.at;
    const sm = "secretsmanager.amazonaws.com";
    const good = (minute: number) =>
      trailEvent({
        time: at(2, 8, minute).toISOString(),
        source: sm,
        name: "GetSecretValue",
        account: ACCOUNT,
        request: { secretId: "vaultpilot/acme/orders-db" },
      });
    const full = gzipSync(JSON.stringify({ Records: [good(1), good(2)] }));
    const truncated = await w.putLogFile(at(2, 8, 10), [good(1), good(2)], {
      body: full.subarray(0, full.length - 20),
    });
    const notGzip = await w.putLogFile(at(2, 8, 11), [good(3)], {
      body: Buffer.from('{"Records":[]}'),
    });
    const altered = await w.putLogFile(at(2, 8, 12), [good(4)]);
    const malformed = await w.putLogFile(at(2, 8, 13), [
      good(5),
      { hello: "world" } as object,
      42 as unknown as object,
    ]);
    w.addPhantom(at(2, 8, 14));
    await w.putDigest(at(2, 9, 0));
    const undigested = await w.putLogFile(at(2, 9, 10), [good(20)], { undigested: true });
    // Alter a digested file after delivery.
    await s.s3.send(
      new PutObjectCommand({
        Bucket: "trail-bucket",
        Key: altered,
        Body: gzipSync(JSON.stringify({ Records: [good(4), good(6)] })),
      }),
    );
    // A digest signed with another key.
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    await w.putLogFile(at(2, 10, 0), [good(30)]);
    const forged = await w.putDigest(at(2, 11, 0), { signWith: forger });

    const out = join(work, "out");
    const run = await runCli(exportArgs(out), { env: s.env });
    expect(run.code, run.stderr).toBe(1);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(validManifest(manifest), JSON.stringify(validManifest.errors)).toBe(true);
    const kinds = manifest.problems.map(
      (p: { kind: string; object: string }) => `${p.kind} ${p.object.split("/").pop()}`,
    );
    const name = (key: string) => key.split("/").pop();
    expect(kinds).toEqual(
      expect.arrayContaining([
        `log-file-unreadable ${name(truncated)}`,
        `log-file-unreadable ${name(notGzip)}`,
        `log-file-altered ${name(altered)}`,
        `log-file-undigested ${name(undigested)}`,
        `event-malformed ${name(malformed)}`,
        `digest-invalid ${name(forged)}`,
      ]),
    );
    expect(kinds.filter((k: string) => k.startsWith("log-file-missing"))).toHaveLength(1);
    expect(kinds.filter((k: string) => k.startsWith("event-malformed"))).toHaveLength(2);
    // The summary names them too, and the good events are all there.
    expect(run.stdout).toContain("log-file-altered");
    expect(run.stdout).toContain("digest-invalid");
    const ids = lines(join(out, "events.jsonl")).map((l) => JSON.parse(l).eventId);
    for (const id of s.expectedIds) expect(ids).toContain(id);
    // The export is still whole and signed.
    expect((await runCli(["audit", "verify", out], { env: s.env })).code).toBe(0);
  });

  test("a digest whose predecessor was deleted breaks the chain, and its files count as undigested", async () => {
    const listed = await s.s3.send(
      new ListObjectVersionsCommand({
        Bucket: "trail-bucket",
        Prefix: "AWSLogs/123456789012/CloudTrail-Digest/",
      }),
    );
    const digests = (listed.Versions ?? []).map((v) => v.Key!).sort();
    await s.s3.send(new DeleteObjectCommand({ Bucket: "trail-bucket", Key: digests[0]! }));
    const out = join(work, "out");
    const run = await runCli(exportArgs(out), { env: s.env });
    expect(run.code).toBe(1);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.problems.map((p: { kind: string }) => p.kind)).toEqual(
      expect.arrayContaining(["digest-missing", "log-file-undigested"]),
    );
    expect(manifest.sources.cloudTrail[0].logFiles.undigested).toBe(2);
  });

  test("an empty period exports nothing, signed, exit 0; an unreadable bucket is named and the rotation logs still exported, exit 1", async () => {
    let out = join(work, "empty");
    let run = await runCli(
      [
        "audit",
        "export",
        "--from",
        "2020-01-01",
        "--to",
        "2020-01-31",
        "--tenant",
        "acme",
        "-p",
        s.dir,
        "--trail",
        "s3://trail-bucket",
        "--signing-key",
        s.signingKeyArn,
        "--cloudtrail-public-keys",
        s.keyFile,
        "--out",
        out,
      ],
      { env: s.env },
    );
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).counts.records).toBe(0);
    expect((await runCli(["audit", "verify", out], { env: s.env })).code).toBe(0);

    out = join(work, "nobucket");
    const args = exportArgs(out);
    args[args.indexOf("--trail") + 1] = "s3://no-such-bucket";
    run = await runCli(args, { env: s.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /source-unreadable\s+s3:\/\/no-such-bucket\/\s+cannot list the trail bucket: NoSuchBucket/,
    );
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).counts.records).toBe(3);
  });

  test("usage mistakes are one line, exit 2, and nothing is written", async () => {
    const cases: [string[], RegExp][] = [
      [
        [
          "audit",
          "export",
          "--from",
          "2026-02-30",
          "--to",
          "2026-03-01",
          "--signing-key",
          "k",
          "-p",
          s.dir,
        ],
        /--from must be a date as YYYY-MM-DD/,
      ],
      [
        [
          "audit",
          "export",
          "--from",
          "2026-03-02",
          "--to",
          "2026-03-01",
          "--signing-key",
          "k",
          "-p",
          s.dir,
        ],
        /--to 2026-03-01 is before --from/,
      ],
      [
        [
          "audit",
          "export",
          "--from",
          "2026-03-01",
          "--to",
          "2026-03-02",
          "--tenant",
          "nope",
          "--signing-key",
          "k",
          "-p",
          s.dir,
        ],
        /no tenant "nope" \(tenants: acme, acme-eu\)/,
      ],
      [
        ["audit", "export", "--from", "2026-03-01", "--to", "2026-03-02", "-p", s.dir],
        /give --signing-key/,
      ],
      [
        [
          "audit",
          "export",
          "--from",
          "2026-03-01",
          "--to",
          "2026-03-02",
          "--signing-key",
          "k",
          "--trail",
          "http://x",
          "-p",
          s.dir,
        ],
        /--trail must be s3:\/\/bucket/,
      ],
      [
        [
          "audit",
          "export",
          "--from",
          "2026-03-01",
          "--to",
          "2026-03-02",
          "--signing-key",
          "k",
          "--format",
          "xml",
          "-p",
          s.dir,
        ],
        /--format takes jsonl, csv/,
      ],
    ];
    for (const [argv, message] of cases) {
      const run = await runCli([...argv, "--out", join(work, "never")], { env: s.env });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(readdirSync(work)).toEqual([]);
  });

  test("a signing failure leaves no export behind (nothing half-written)", async () => {
    const out = join(work, "out");
    const args = exportArgs(out);
    args[args.indexOf("--signing-key") + 1] = "alias/does-not-exist";
    const run = await runCli(args, { env: s.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/could not export: NotFoundException/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("audit export: sources", () => {
  test("reads an organization trail's folder (AWSLogs/<o-id>/<account>/), with the port's test keys", async () => {
    const org = new TrailWriter(s.s3, "trail-bucket", {
      account: ACCOUNT,
      region: "us-east-1",
      organization: "o-abc123def4",
      trail: "org",
    });
    const at = s.period.at;
    await org.putLogFile(at(1, 20), [
      trailEvent({
        time: at(1, 19, 59).toISOString(),
        source: "secretsmanager.amazonaws.com",
        name: "GetSecretValue",
        account: ACCOUNT,
        request: { secretId: "vaultpilot/acme/orders-db" },
      }),
    ]);
    await org.putDigest(at(1, 21));
    const out = join(work, "org");
    const result = await runExport({
      period: parsePeriod(s.period.from, s.period.to),
      stack: null,
      tenants: [{ name: "acme", account: ACCOUNT, region: "us-east-1", keyArns: [s.tenantKeyArn] }],
      trail: { bucket: "trail-bucket", prefix: "" },
      s3: s.s3,
      logs: () => s.logs,
      // Both writers' keys: the port answers for the region whatever signed it.
      publicKeys: { how: "test keys", list: async () => [s.writer.publicKey, org.publicKey] },
      signer: new KmsManifestSigner(s.kms, s.signingKeyArn),
      signingKeyId: s.signingKeyArn,
      mask: [],
      formats: ["jsonl"],
      outDir: out,
      now: new Date(),
    });
    const paths = result.manifest.sources.cloudTrail.map(
      (c) => `${c.path} ${c.logFiles.validated}`,
    );
    expect(paths).toEqual(["AWSLogs/123456789012/ 3", "AWSLogs/o-abc123def4/123456789012/ 1"]);
    expect(result.manifest.problemCount).toBe(0);
    expect(result.manifest.counts.records).toBe(s.expectedIds.length + 1 + 3);
  });

  test("without CloudTrail's public keys (moto lacks ListPublicKeys) digests are unchecked and said so, never valid", async () => {
    const out = join(work, "out");
    const args = exportArgs(out);
    args.splice(args.indexOf("--cloudtrail-public-keys"), 2);
    const run = await runCli(args, { env: s.env });
    expect(run.code).toBe(1);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.sources.cloudTrail[0].digests).toMatchObject({ valid: 0, unchecked: 3 });
    expect(manifest.sources.cloudTrail[0].logFiles).toMatchObject({ validated: 0, unverified: 3 });
    expect(manifest.problems[0]).toMatchObject({ kind: "digest-unchecked" });
    expect(manifest.problems[0].detail).toContain("CloudTrail ListPublicKeys failed");
  });
});

describe("audit export --upload", () => {
  test("writes to an Object Lock bucket in compliance mode, reads the lock back with HeadObject, and the upload verifies from S3", async () => {
    await s.s3.send(
      new CreateBucketCommand({ Bucket: "audit-archive", ObjectLockEnabledForBucket: true }),
    );
    await s.s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: "audit-archive",
        ObjectLockConfiguration: {
          ObjectLockEnabled: "Enabled",
          Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 1 } },
        },
      }),
    );
    const out = join(work, "out");
    const run = await runCli(exportArgs(out, ["--upload", "s3://audit-archive/test/2026-11"]), {
      env: s.env,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /uploaded s3:\/\/audit-archive\/test\/2026-11\/manifest\.sig \(Object Lock COMPLIANCE until /,
    );
    const verified = await runCli(["audit", "verify", "s3://audit-archive/test/2026-11"], {
      env: s.env,
    });
    expect(verified.stdout).toContain("✔ intact");
    expect(verified.code).toBe(0);
    // Compliance mode: nobody deletes a locked version.
    const versions = await s.s3.send(
      new ListObjectVersionsCommand({
        Bucket: "audit-archive",
        Prefix: "test/2026-11/events.jsonl",
      }),
    );
    await expect(
      s.s3.send(
        new DeleteObjectCommand({
          Bucket: "audit-archive",
          Key: "test/2026-11/events.jsonl",
          VersionId: versions.Versions![0]!.VersionId!,
        }),
      ),
    ).rejects.toThrow();
    const body = await s.s3.send(
      new GetObjectCommand({ Bucket: "audit-archive", Key: "test/2026-11/events.jsonl" }),
    );
    expect((await body.Body!.transformToString()).split("\n").length).toBeGreaterThan(5);
  });
});

describe("audit export --stack", () => {
  test("takes the stack's tenants, signing key alias, trail bucket, mask fields and archive bucket (--upload alone)", async () => {
    await s.kms.send(
      new CreateAliasCommand({
        AliasName: "alias/vaultpilot/audit/test",
        TargetKeyId: s.signingKeyArn,
      }),
    );
    await s.s3.send(
      new CreateBucketCommand({ Bucket: "audit-archive", ObjectLockEnabledForBucket: true }),
    );
    await s.s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: "audit-archive",
        ObjectLockConfiguration: {
          ObjectLockEnabled: "Enabled",
          Rule: { DefaultRetention: { Mode: "COMPLIANCE", Years: 7 } },
        },
      }),
    );
    writeFileSync(
      join(work, "Pulumi.test.yaml"),
      [
        "config:",
        `  vaultpilot:policyDir: ${s.dir}`,
        "  vaultpilot:tenants: [acme]",
        "  vaultpilot:auditArchive: true",
        "  vaultpilot:auditBucketName: audit-archive",
        "  vaultpilot:auditExportRoleArn: arn:aws:iam::123456789012:role/audit-export",
        "  vaultpilot:auditTrailBucket: s3://trail-bucket",
        "  vaultpilot:auditMaskFields: [apiToken]",
        "",
      ].join("\n"),
    );
    const run = await runCli(
      [
        "audit",
        "export",
        "--stack",
        "test",
        "--from",
        s.period.from,
        "--to",
        s.period.to,
        "--cloudtrail-public-keys",
        s.keyFile,
        "--upload",
        "--out",
        "out",
      ],
      { env: s.env, cwd: work },
    );
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain("stack test, tenant acme");
    const prefix = `s3://audit-archive/exports/test/${s.period.from}_${s.period.to}`;
    expect(run.stdout).toContain(`uploaded ${prefix}/manifest.json (Object Lock COMPLIANCE until`);
    expect(allText(join(work, "out"))).not.toContain(CANARY);
    expect((await runCli(["audit", "verify", prefix], { env: s.env })).code).toBe(0);
  });
});
