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
