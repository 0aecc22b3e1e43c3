import { readFileSync } from "node:fs";
import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildCli, runBuiltCliAsync } from "../support/built-cli.js";
import { makeTlsFiles, startPostgres, type DatabaseServer } from "../support/databases.js";
import { examplePoliciesAt } from "../support/example-policies.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { RotationHarness } from "./harness.js";

// umbrella/patients-db in the example policies: single-user postgres with `tls: true`.
const SECRET = "vaultpilot/umbrella/patients-db";
const FIRST_PASSWORD = "first-Password-over-TLS-1";

let moto: MotoServer;
let db: DatabaseServer;
let tls: ReturnType<typeof makeTlsFiles>;
let harness: RotationHarness;
let env: Record<string, string>;
/** The example policies, with umbrella/patients-db's connection naming this file's postgres. */
let policies: ReturnType<typeof examplePoliciesAt>;
let POLICIES: string;
/** The same, with the policy's `tls: false`: only the value's `ssl` can ask for TLS. */
let plainPolicies: ReturnType<typeof examplePoliciesAt>;

beforeAll(async () => {
  buildCli();
  tls = makeTlsFiles();
  [moto, db] = await Promise.all([startMoto({ awsRules: true }), startPostgres({ tls })]);
  harness = new RotationHarness(moto);
  policies = examplePoliciesAt({
    "umbrella/patients-db": { host: "127.0.0.1", port: db.port, database: "postgres" },
  });
  POLICIES = policies.dir;
  plainPolicies = examplePoliciesAt({
    "umbrella/patients-db": { host: "127.0.0.1", port: db.port, database: "postgres", tls: false },
  });
});

afterAll(async () => {
  await harness?.close();
  await Promise.all([moto?.stop(), db?.stop()]);
  tls?.remove();
  policies?.remove();
  plainPolicies?.remove();
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
  await db.createUser("records", FIRST_PASSWORD);
  await harness.createSecret(SECRET, {
    engine: "postgres",
    host: "127.0.0.1",
    port: db.port,
    username: "records",
    password: FIRST_PASSWORD,
    dbname: "postgres",
  });
  env = {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: MOTO_CREDENTIALS.region,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    VAULTPILOT_ALERT_TOPIC_ARN: harness.topicArn,
    VAULTPILOT_RETRY_DELAY_MS: "5",
  };
});

/** Logs in over TLS, verifying the server against the test CA; the server refuses plain TCP. */
async function logsIn(password: string): Promise<boolean> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port: db.port,
    user: "records",
    password,
    database: "postgres",
    ssl: { ca: readFileSync(tls.ca, "utf8") },
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function currentPassword(): Promise<string> {
  return String((await harness.value(SECRET, { stage: "AWSCURRENT" })).password);
}

describe("rotation of a postgres secret with tls: true", () => {
  it("changes the password over a verified TLS connection when the CA is trusted", async () => {
    // The Lambda trusts RDS's CA the same way: NODE_EXTRA_CA_CERTS.
    const run = await runBuiltCliAsync(
      ["rotate", "umbrella/patients-db", "--policies", POLICIES, "--no-reload"],
      {
        env: { ...env, NODE_EXTRA_CA_CERTS: tls.ca },
      },
    );

    expect(run.stdout).toMatch(
      /^rotated vaultpilot\/umbrella\/patients-db: version \S+ is AWSCURRENT\n$/,
    );
    expect(run.status).toBe(0);
    const password = await currentPassword();
    expect(password).not.toBe(FIRST_PASSWORD);
    expect(await logsIn(password)).toBe(true);
    expect(await logsIn(FIRST_PASSWORD)).toBe(false);
  });

  it("refuses a server whose certificate it cannot verify, and leaves the old password working", async () => {
    const run = await runBuiltCliAsync(
      ["rotate", "umbrella/patients-db", "--policies", POLICIES, "--no-reload"],
      {
        env,
      },
    );

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/certificate/i);
    expect(run.stderr).not.toContain(FIRST_PASSWORD);
    expect(await currentPassword()).toBe(FIRST_PASSWORD);
    expect(await logsIn(FIRST_PASSWORD)).toBe(true);
  });
});

describe("the secret value's ssl field", () => {
  /** The stored value with `ssl` set (or removed, for undefined). */
  async function withSsl(ssl: unknown) {
    const value = await harness.value(SECRET, { stage: "AWSCURRENT" });
    await harness.sm.send(
      new PutSecretValueCommand({
        SecretId: SECRET,
        SecretString: JSON.stringify({ ...value, ...(ssl !== undefined && { ssl }) }),
      }),
    );
  }

  const rotate = (policyDir: string, extra: Record<string, string> = {}) =>
    runBuiltCliAsync(["rotate", "umbrella/patients-db", "--policies", policyDir, "--no-reload"], {
      env: { ...env, ...extra },
    });

  it.each([[true], ["true"], ["TRUE"]])(
    "asks for TLS when the value says ssl: %j and the policy says tls: false",
    async (ssl) => {
      await withSsl(ssl);

      const run = await rotate(plainPolicies.dir, { NODE_EXTRA_CA_CERTS: tls.ca });

      expect(run.stderr.split("\n").filter((l) => l.startsWith("vaultpilot:"))).toEqual([]);
      expect(run.status).toBe(0);
      const password = await currentPassword();
      expect(password).not.toBe(FIRST_PASSWORD);
      expect(await logsIn(password)).toBe(true);
    },
  );

  it("verifies the certificate the value's ssl asks for, and changes nothing when it cannot", async () => {
    await withSsl(true);

    const run = await rotate(plainPolicies.dir);

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/certificate/i);
    expect(await logsIn(FIRST_PASSWORD)).toBe(true);
  });

  it("connects without TLS when neither asks for it, which this TLS-only server refuses", async () => {
    await withSsl(false);

    const run = await rotate(plainPolicies.dir, { NODE_EXTRA_CA_CERTS: tls.ca });

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no encryption/);
    expect(await logsIn(FIRST_PASSWORD)).toBe(true);
  });

  it("keeps TLS when the policy asks for it and the value says ssl: false", async () => {
    await withSsl(false);

    const run = await rotate(POLICIES, { NODE_EXTRA_CA_CERTS: tls.ca });

    expect(run.status).toBe(0);
    expect(await logsIn(await currentPassword())).toBe(true);
  });
});
