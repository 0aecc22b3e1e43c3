import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { CreateFunctionCommand, GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startPostgres, type DatabaseServer } from "../support/databases.js";
import { examplePoliciesAt } from "../support/example-policies.js";
import { runCli } from "../support/cli.js";
import { policyTree } from "../support/policy-tree.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { CANARY, RotationHarness } from "./harness.js";

let moto: MotoServer;
/** The example policies, with acme/orders-db's connection naming this file's postgres. */
let policies: ReturnType<typeof examplePoliciesAt>;
let POLICIES: string;
let db: DatabaseServer;
let harness: RotationHarness;
let env: Record<string, string>;

beforeAll(async () => {
  [moto, db] = await Promise.all([startMoto({ awsRules: true }), startPostgres()]);
  harness = new RotationHarness(moto);
  policies = examplePoliciesAt({
    "acme/orders-db": { host: db.host, port: db.port, database: "postgres" },
  });
  POLICIES = policies.dir;
});

afterAll(async () => {
  await harness?.close();
  await Promise.all([moto?.stop(), db?.stop()]);
  policies?.remove();
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
  env = {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: MOTO_CREDENTIALS.region,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    VAULTPILOT_ALERT_TOPIC_ARN: harness.topicArn,
    VAULTPILOT_RETRY_DELAY_MS: "5",
  };
});

/** acme/orders-db as the example policies describe it, under the Pulumi program's name: single-user postgres, consumers on ECS and Lambda. */
async function ordersDb(password: string) {
  await db.createUser("orders_app", password);
  await harness.createSecret("vaultpilot/acme/orders-db", {
    engine: "postgres",
    host: db.host,
    port: db.port,
    username: "orders_app",
    password,
    dbname: "postgres",
  });
}

async function consumers() {
  const ecs = harness.clients.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: "acme-prod" }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "orders",
      containerDefinitions: [{ name: "app", image: "app:1", memory: 128 }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: "acme-prod",
      serviceName: "orders-api",
      taskDefinition: "orders",
      desiredCount: 1,
    }),
  );
  await ecs.send(
    new UpdateServiceCommand({ cluster: "acme-prod", service: "orders-api", desiredCount: 1 }),
  );
  const role = (
    await harness.clients
      .lambda()
      .send(new GetFunctionConfigurationCommand({ FunctionName: "vaultpilot-rotation" }))
  ).Role!;
  await harness.clients.lambda().send(
    new CreateFunctionCommand({
      FunctionName: "acme-billing-worker",
      Runtime: "nodejs22.x",
      Role: role,
      Handler: "index.handler",
      Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) },
    }),
  );
}

describe("vaultpilot rotate, versions and rollback", () => {
  it("rotates acme/orders-db, lists the new version, and rolls back to a password that logs in again", async () => {
    await ordersDb("first password");
    await consumers();

    const rotated = await runCli(["rotate", "acme/orders-db", "--policies", POLICIES], { env });

    expect(rotated.stderr.split("\n").filter((l) => l.startsWith("vaultpilot:"))).toEqual([]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(
      /^rotated vaultpilot\/acme\/orders-db: version \S+ is AWSCURRENT\n$/,
    );
    const version = /version (\S+) is AWSCURRENT/.exec(rotated.stdout)![1]!;
    const current = await harness.value("vaultpilot/acme/orders-db", { stage: "AWSCURRENT" });
    expect(await db.canLogin("orders_app", current.password as string)).toBe(true);
    expect(await db.canLogin("orders_app", "first password")).toBe(false);

    const versions = await runCli(["versions", "acme/orders-db"], { env });
    expect(versions.code).toBe(0);
    const lines = versions.stdout.trim().split("\n");
    expect(lines[0]).toBe("vaultpilot/acme/orders-db");
    expect(lines[1]).toMatch(/^VERSION\s+STAGES\s+CREATED\s+ROLLBACK$/);
    expect(lines[2]).toMatch(new RegExp(`^${version}\\s+AWSCURRENT\\s+\\S+\\s+yes$`));
    expect(lines[3]).toMatch(/^\S+\s+AWSPREVIOUS\s+\S+\s+yes$/);
    expect(versions.stdout).not.toContain(current.password as string);

    const rolled = await runCli(["rollback", "acme/orders-db", "--policies", POLICIES], { env });

    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toMatch(
      /^rolled back vaultpilot\/acme\/orders-db: version \S+ is AWSCURRENT again \(was /,
    );
    expect(await db.canLogin("orders_app", "first password")).toBe(true);
    expect(await db.canLogin("orders_app", current.password as string)).toBe(false);
  });

  it("reports a bad secret reference in one line with exit 2", async () => {
    const result = await runCli(["rotate", "orders-db"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'vaultpilot: "orders-db" is not <tenant>/<secret>, such as acme/orders-db\n',
    );
  });

  it("refuses --to a version that is not among the secret's versions", async () => {
    await ordersDb("first password");
    const result = await runCli(
      ["rollback", "acme/orders-db", "--to", "nope", "--policies", POLICIES, "--no-reload"],
      { env },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "vaultpilot: version nope is not among the last 10 versions of vaultpilot/acme/orders-db",
    );
  });

  it("never prints the canary password, even when the rotation fails and rolls back", async () => {
    await ordersDb(CANARY);
    // No ECS service or Lambda function exists: the reload fails and the rotation rolls back.

    const result = await runCli(["rotate", "acme/orders-db", "--policies", POLICIES], { env });
    const versions = await runCli(["versions", "acme/orders-db", "--format", "json"], { env });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /vaultpilot: finishSecret of vaultpilot\/acme\/orders-db failed after 3 attempt\(s\)/,
    );
    const failedVersion = Object.entries(await harness.stages("vaultpilot/acme/orders-db")).find(
      ([, s]) => s.includes("AWSPREVIOUS"),
    )![0];
    const drawn = (await harness.value("vaultpilot/acme/orders-db", { versionId: failedVersion }))
      .password as string;
    await harness.waitForAlerts(1);
    const everything = [
      result.stdout,
      result.stderr,
      versions.stdout,
      versions.stderr,
      JSON.stringify(harness.alerts),
    ].join("\n");
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(drawn);
    expect(await db.canLogin("orders_app", CANARY)).toBe(true);
  });
});

describe("rotate, rollback and versions in real use (issue 9.13)", () => {
  it.each([["rotate"], ["rollback"], ["versions"]])(
    "%s: a missing policy directory gets validate's one-line error and exit 2",
    async (command) => {
      const validate = await runCli(["validate", "no-such-dir"], { env });
      const result = await runCli([command, "acme/orders-db", "--policies", "no-such-dir"], {
        env,
      });

      expect(result.code).toBe(2);
      expect(result.stderr).toBe('vaultpilot: policy directory "no-such-dir" does not exist\n');
      expect(result.stderr).toBe(validate.stderr);
    },
  );

  it.each([
    ["rotate", "nothing was rotated"],
    ["rollback", "nothing was rolled back"],
  ])("%s: a secret that is not in Secrets Manager is named, and %s", async (command, nothing) => {
    const result = await runCli([command, "acme/orders-db", "--policies", POLICIES], { env });

    expect(result.code).toBe(1);
    expect(result.stderr.split("\n").filter((l) => l.startsWith("vaultpilot:"))).toEqual([
      `vaultpilot: secret vaultpilot/acme/orders-db is not in Secrets Manager (us-east-1 at ${moto.endpoint}); ${nothing}`,
    ]);
    expect(result.stderr).not.toContain("rolled back to");
  });

  it("versions: a secret that is not in Secrets Manager is named in one line", async () => {
    const result = await runCli(["versions", "acme/orders-db"], { env });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `vaultpilot: secret vaultpilot/acme/orders-db is not in Secrets Manager (us-east-1 at ${moto.endpoint})\n`,
    );
  });

  it("names the consumer and its target when a reload fails", async () => {
    await ordersDb("first password");
    // orders-api's ECS service does not exist.

    const result = await runCli(["rotate", "acme/orders-db", "--policies", POLICIES, "--quiet"], {
      env: { ...env, VAULTPILOT_RETRY_ATTEMPTS: "1" },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^vaultpilot: finishSecret of vaultpilot\/acme\/orders-db failed after 1 attempt\(s\): reload of consumer orders-api \(ECS service orders-api in cluster acme-prod\) failed: .*; rolled back to version \S+\n$/,
    );
  });

  it("--quiet prints nothing on success; --audit-log writes every audit line, with its run, to the file", async () => {
    await ordersDb("first password");
    const tree = policyTree({});
    const log = join(tree.dir, "audit.jsonl");
    try {
      const quiet = await runCli(
        ["rotate", "acme/orders-db", "--policies", POLICIES, "--no-reload", "--quiet"],
        { env },
      );
      const logged = await runCli(
        ["rotate", "acme/orders-db", "--policies", POLICIES, "--no-reload", "--audit-log", log],
        { env },
      );

      expect(quiet).toEqual({ code: 0, stdout: "", stderr: "" });
      expect(logged.code).toBe(0);
      expect(logged.stderr).toBe("");
      expect(logged.stdout).toMatch(
        /^rotated vaultpilot\/acme\/orders-db: version \S+ is AWSCURRENT\n$/,
      );
      const events = readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { run: string; step: string; outcome: string });
      expect(new Set(events.map((e) => e.run)).size).toBe(1);
      expect(events[0]!.run).toMatch(/^[0-9a-f]{16}$/);
      expect(events.filter((e) => e.outcome === "succeeded").map((e) => e.step)).toEqual([
        "createSecret",
        "setSecret",
        "testSecret",
        "finishSecret",
      ]);
      expect((statSync(log).mode & 0o777).toString(8)).toBe("600");
    } finally {
      tree.remove();
    }
  });

  it("exits 75, changing nothing, while another run holds the claim, and names that run", async () => {
    await ordersDb("first password");
    const before = await harness.stages("vaultpilot/acme/orders-db");
    const { secretsManagerStore } = await import("../../components/rotation/aws/secrets-store.js");
    const holder = await secretsManagerStore(harness.clients).claim("vaultpilot/acme/orders-db", {
      run: "0123456789abcdef",
      ttlMs: 60_000,
      seen: undefined,
    });

    const result = await runCli(["rotate", "acme/orders-db", "--policies", POLICIES], { env });

    expect(result.code).toBe(75);
    expect(result.stderr.split("\n").filter((l) => l.startsWith("vaultpilot:"))).toEqual([
      `vaultpilot: busy: run 0123456789abcdef holds the claim on vaultpilot/acme/orders-db until ${holder.expires.toISOString()}; nothing was changed`,
    ]);
    const audit = JSON.parse(result.stderr.split("\n")[0]!) as { outcome: string; detail: string };
    expect(audit.outcome).toBe("busy");
    expect(audit.detail).toContain("run 0123456789abcdef");
    const after = await harness.stages("vaultpilot/acme/orders-db");
    const versions = (stages: Record<string, string[]>) =>
      Object.entries(stages).filter(([id]) => !id.startsWith("vaultpilot-claim-"));
    expect(versions(after)).toEqual(versions(before));
  });
});
