import { spawnSync } from "node:child_process";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildCli } from "../support/built-cli.js";
import { runCli } from "../support/cli.js";
import { startPostgres, type DatabaseServer } from "../support/databases.js";
import { EXAMPLE_POLICIES, examplePoliciesAt } from "../support/example-policies.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { policyTree } from "../support/policy-tree.js";
import { awsStages, CANARY, RotationHarness } from "../rotation/harness.js";

let moto: MotoServer;
let harness: RotationHarness;
let env: Record<string, string>;

beforeAll(async () => {
  moto = await startMoto();
  harness = new RotationHarness(moto);
});

afterAll(async () => {
  await harness?.close();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
  env = {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: MOTO_CREDENTIALS.region,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
  };
});

/** The secret as `pulumi up` leaves it: created, with no value yet. */
async function deployed(name: string): Promise<string> {
  return (await harness.sm.send(new CreateSecretCommand({ Name: name }))).ARN!;
}

const init = (ref: string, stdin: string, extra: string[] = [], policies = EXAMPLE_POLICIES) =>
  runCli(["secret", "init", ref, "--policies", policies, ...extra], { env, stdin });

describe("vaultpilot secret init", () => {
  it("writes a database secret's first value from the policy's connection and the password on stdin", async () => {
    await deployed("vaultpilot/acme/payments-db");

    const result = await init("acme/payments-db", `${CANARY}\n`);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^wrote vaultpilot\/acme\/payments-db: version \S+ is AWSCURRENT \(mysql user payments_app at payments-db\.acme\.internal:3306\/payments, ssl\)\n$/,
    );
    expect(result.stdout).not.toContain(CANARY);
    expect(await harness.value("vaultpilot/acme/payments-db", { stage: "AWSCURRENT" })).toEqual({
      engine: "mysql",
      host: "payments-db.acme.internal",
      port: 3306,
      username: "payments_app",
      password: CANARY,
      dbname: "payments",
      ssl: true,
    });
  });

  it("names the master secret's ARN for alternating users", async () => {
    const tree = policyTree({
      "acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata: { name: acme }
spec: { plan: pro, aws: { account: "123456789012", region: us-east-1 } }
---
apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata: { name: monthly }
spec: { every: 30d }
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: shop-db, tenant: acme }
spec:
  type: mysql
  schedule: monthly
  connection: { host: shop.internal, username: shop, strategy: alternating, masterSecret: shop-admin }
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: shop-admin, tenant: acme }
spec:
  type: mysql
  schedule: monthly
  connection: { host: shop.internal, username: admin }
`,
    });
    try {
      await deployed("vaultpilot/acme/shop-db");
      const missing = await init("acme/shop-db", "pw-1", [], tree.dir);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(
        "vaultpilot: the master secret vaultpilot/acme/shop-admin is not in Secrets Manager; deploy it and give it a value first. Nothing was written\n",
      );
      const masterArn = await deployed("vaultpilot/acme/shop-admin");

      const result = await init("acme/shop-db", "pw-1", [], tree.dir);

      expect(result.code).toBe(0);
      expect(await harness.value("vaultpilot/acme/shop-db", { stage: "AWSCURRENT" })).toEqual({
        engine: "mysql",
        host: "shop.internal",
        port: 3306,
        username: "shop",
        password: "pw-1",
        masterarn: masterArn,
      });
    } finally {
      tree.remove();
    }
  });

  it("refuses to replace an existing value without --force, and replaces it with --force", async () => {
    await deployed("vaultpilot/acme/orders-db");
    expect((await init("acme/orders-db", "first-pw\n")).code).toBe(0);
    const first = await harness.stages("vaultpilot/acme/orders-db");

    const refused = await init("acme/orders-db", "second-pw\n");

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^vaultpilot: vaultpilot\/acme\/orders-db already has a value \(version \S+\); nothing was written\. Use --force to replace it\n$/,
    );
    expect(await harness.stages("vaultpilot/acme/orders-db")).toEqual(first);

    const forced = await init("acme/orders-db", "second-pw\n", ["--force"]);

    expect(forced.code).toBe(0);
    expect(
      (await harness.value("vaultpilot/acme/orders-db", { stage: "AWSCURRENT" })).password,
    ).toBe("second-pw");
    expect(
      (await harness.value("vaultpilot/acme/orders-db", { stage: "AWSPREVIOUS" })).password,
    ).toBe("first-pw");
  });

  it.each([
    [
      "a secret that is not a database's",
      "acme/stripe-api-key",
      "pw",
      "vaultpilot: acme/stripe-api-key is of type api-key; secret init writes postgres and mysql secrets, whose value it builds from spec.connection\n",
    ],
    [
      "an unknown secret",
      "acme/nope-db",
      "pw",
      `vaultpilot: no secret "nope-db" in tenant "acme" (${EXAMPLE_POLICIES})\n`,
    ],
    [
      "an empty standard input",
      "acme/orders-db",
      "\n",
      "vaultpilot: standard input is empty: pipe the password in, e.g. vaultpilot secret init acme/orders-db < password-file\n",
    ],
    [
      "a password of several lines",
      "acme/orders-db",
      "a\nb\n",
      "vaultpilot: the password on standard input spans several lines; give one line\n",
    ],
  ])("refuses %s with one line and exit 2, writing nothing", async (_what, ref, stdin, message) => {
    await deployed("vaultpilot/acme/orders-db");

    const result = await init(ref, stdin);

    expect(result.stderr).toBe(message);
    expect(result.code).toBe(2);
    expect(await harness.stages("vaultpilot/acme/orders-db")).toEqual({});
  });

  it("says a secret not yet in Secrets Manager must be deployed first", async () => {
    const result = await init("acme/orders-db", "pw\n");

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "vaultpilot: vaultpilot/acme/orders-db is not in Secrets Manager; deploy the policies first (pulumi up creates it), then run secret init again. Nothing was written\n",
    );
  });
});

describe("secret init, then rotate, as a user runs them", () => {
  let db: DatabaseServer;
  let policies: ReturnType<typeof examplePoliciesAt>;

  beforeAll(async () => {
    buildCli();
    db = await startPostgres();
    policies = examplePoliciesAt({
      "acme/orders-db": { host: db.host, port: db.port, database: "postgres" },
    });
  });

  afterAll(async () => {
    await db?.stop();
    policies?.remove();
  });

  /** The built CLI as a process, with `stdin` piped in. */
  function vaultpilot(args: string[], stdin = "") {
    return spawnSync("node_modules/node/bin/node", ["bin/vaultpilot.js", ...args], {
      encoding: "utf8",
      input: stdin,
      env: { PATH: process.env.PATH ?? "", ...env, VAULTPILOT_RETRY_DELAY_MS: "5" },
    });
  }

  it("writes the value from the policy and a piped password, and the rotation then works", async () => {
    await db.createUser("orders_app", "initial password");
    await deployed("vaultpilot/acme/orders-db");

    const written = vaultpilot(
      ["secret", "init", "acme/orders-db", "--policies", policies.dir],
      "initial password\n",
    );
    expect(written.stderr).toBe("");
    expect(written.status).toBe(0);
    const rotated = vaultpilot([
      "rotate",
      "acme/orders-db",
      "--policies",
      policies.dir,
      "--no-reload",
    ]);

    expect(rotated.status).toBe(0);
    const current = await harness.value("vaultpilot/acme/orders-db", { stage: "AWSCURRENT" });
    expect(await db.canLogin("orders_app", String(current.password))).toBe(true);
    expect(await db.canLogin("orders_app", "initial password")).toBe(false);
  });

  it("refuses to rotate, changing nothing, when the value names another server than the policy", async () => {
    await db.createUser("orders_app", "initial password");
    await harness.createSecret("vaultpilot/acme/orders-db", {
      engine: "postgres",
      host: db.host,
      port: db.port,
      username: "orders_app",
      password: "initial password",
      dbname: "postgres",
    });
    const before = await harness.stages("vaultpilot/acme/orders-db");

    // The example policies name orders-db.acme.internal:5432/orders, not this test's server.
    const rotated = vaultpilot([
      "rotate",
      "acme/orders-db",
      "--policies",
      EXAMPLE_POLICIES,
      "--no-reload",
    ]);

    expect(rotated.status).toBe(1);
    expect(rotated.stderr).toContain(
      `the current value's "host" is "127.0.0.1" but the policy's connection.host is "orders-db.acme.internal"; nothing was changed`,
    );
    expect(awsStages(await harness.stages("vaultpilot/acme/orders-db"))).toEqual(awsStages(before));
    expect(await db.canLogin("orders_app", "initial password")).toBe(true);
  });
});
