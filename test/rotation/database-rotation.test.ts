import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SecretRotationConfig } from "../../components/rotation/config.js";
import {
  CRASH_POINTS,
  SimulatedCrash,
  STEPS,
  type CrashPoint,
} from "../../components/rotation/engine.js";
import { startMariadb, startPostgres, type DatabaseServer } from "../support/databases.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import { CANARY, RotationHarness } from "./harness.js";

let moto: MotoServer;
let harness: RotationHarness;
const servers: Record<"postgres" | "mysql", DatabaseServer> = {} as never;

beforeAll(async () => {
  const [m, pg, maria] = await Promise.all([
    startMoto({ awsRules: true }),
    startPostgres(),
    startMariadb(),
  ]);
  moto = m;
  servers.postgres = pg;
  servers.mysql = maria;
  harness = new RotationHarness(moto);
});

afterAll(async () => {
  await harness?.close();
  await Promise.all([moto?.stop(), servers.postgres?.stop(), servers.mysql?.stop()]);
});

beforeEach(async () => {
  await moto.reset();
  await harness.prepare();
});

const ENGINES = ["postgres", "mysql"] as const;
type Engine = (typeof ENGINES)[number];

/** A user with a password full of quotes, backslashes and %, and its secret in AWS's template shape. */
async function singleUserSecret(engine: Engine, name: string, password = "old 'pa\"ss' \\ 100%") {
  const db = servers[engine];
  await db.createUser("app", password);
  const value = {
    engine,
    host: db.host,
    port: db.port,
    username: "app",
    password,
    ...(engine === "postgres" ? { dbname: "postgres" } : {}),
  };
  await harness.createSecret(name, value);
  const config: SecretRotationConfig = {
    tenant: "acme",
    name: "orders-db",
    type: engine,
    strategy: "single",
    connectTimeoutMs: 400,
  };
  return { db, value, config };
}

describe.each(ENGINES)("%s single-user rotation", (engine) => {
  it("leaves a new AWSCURRENT that logs in, the old one as AWSPREVIOUS, and the old password refused", async () => {
    const { db, value, config } = await singleUserSecret(engine, "acme/orders-db");
    const token = await harness.startRotation("acme/orders-db");

    await harness.runSteps("acme/orders-db", config, token);

    const current = await harness.value("acme/orders-db", { stage: "AWSCURRENT" });
    const previous = await harness.value("acme/orders-db", { stage: "AWSPREVIOUS" });
    expect(current.password).not.toBe(value.password);
    expect(previous.password).toBe(value.password);
    expect(await db.canLogin("app", current.password as string)).toBe(true);
    expect(await db.canLogin("app", value.password)).toBe(false);
    expect((await harness.stages("acme/orders-db"))[token]).toEqual(["AWSCURRENT"]);
    expect(harness.audit.filter((e) => e.outcome === "succeeded").map((e) => e.step)).toEqual([
      ...STEPS,
    ]);
  });

  it("sets a new password made of quotes, backslashes and % and rolls back to it", async () => {
    const { db, config } = await singleUserSecret(engine, "acme/orders-db", "start");
    const nasty = `it's "q" \\ %s %% \\' ;--`;
    const token = await harness.startRotation("acme/orders-db");
    const engineRun = harness.engine("acme/orders-db", config);
    // createSecret with the nasty value in place of a drawn one: a version of our own.
    const { PutSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
    await harness.sm.send(
      new PutSecretValueCommand({
        SecretId: "acme/orders-db",
        ClientRequestToken: token,
        SecretString: JSON.stringify({
          ...(await harness.value("acme/orders-db", { stage: "AWSCURRENT" })),
          password: nasty,
        }),
        VersionStages: ["AWSPENDING"],
      }),
    );
    for (const step of STEPS) await engineRun.step(step, token);
    expect(await db.canLogin("app", nasty)).toBe(true);

    await engineRun.rollbackTo();

    expect(await db.canLogin("app", "start")).toBe(true);
    expect(await db.canLogin("app", nasty)).toBe(false);
    expect((await harness.value("acme/orders-db", { stage: "AWSCURRENT" })).password).toBe("start");
  });
});

describe.each(ENGINES)("%s alternating-users rotation", (engine) => {
  it("makes the clone user current with a new password while the first user keeps working, then alternates back", async () => {
    const db = servers[engine];
    await db.createUser("app", "first-password");
    const masterArn = (
      await harness.sm.send(
        new (await import("@aws-sdk/client-secrets-manager")).CreateSecretCommand({
          Name: "acme/db-admin",
          SecretString: JSON.stringify({
            engine,
            host: db.host,
            port: db.port,
            username: db.admin.username,
            password: db.admin.password,
          }),
        }),
      )
    ).ARN!;
    const base = {
      engine,
      host: db.host,
      port: db.port,
      username: "app",
      password: "first-password",
      masterarn: masterArn,
    };
    await harness.createSecret(
      "acme/orders-db",
      engine === "postgres" ? { ...base, dbname: "postgres" } : base,
    );
    const config: SecretRotationConfig = {
      tenant: "acme",
      name: "orders-db",
      type: engine,
      strategy: "alternating",
    };

    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));

    const current = await harness.value("acme/orders-db", { stage: "AWSCURRENT" });
    expect(current.username).toBe("app_clone");
    expect(await db.canLogin("app_clone", current.password as string)).toBe(true);
    expect(await db.canLogin("app", "first-password")).toBe(true);

    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));

    const again = await harness.value("acme/orders-db", { stage: "AWSCURRENT" });
    expect(again.username).toBe("app");
    expect(await db.canLogin("app", again.password as string)).toBe(true);
    expect(await db.canLogin("app", "first-password")).toBe(false);
    expect(await db.canLogin("app_clone", current.password as string)).toBe(true);
  });
});

describe("crash and rerun", () => {
  const points: readonly CrashPoint[] = CRASH_POINTS;
  it.each(points)(
    "ends consistent with a working credential after a crash at %s",
    async (point) => {
      const { db, value, config } = await singleUserSecret("postgres", "acme/orders-db");
      const token = await harness.startRotation("acme/orders-db");
      // A claim of 1 ms: the crashed run leaves it behind, and the rerun finds it expired.
      const crashing = harness.engine("acme/orders-db", config, {
        claimTtlMs: 1,
        crashAt: (at) => {
          if (at === point) throw new SimulatedCrash(at);
        },
      });
      const crashed = await (async () => {
        for (const step of STEPS) await crashing.step(step, token);
      })().then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof SimulatedCrash)) throw error;
          return error.message;
        },
      );
      expect(crashed).toBe(point);
      // In between, one of the staged values logs in: no working credential is lost.
      const staged = [await harness.value("acme/orders-db", { stage: "AWSCURRENT" })];
      const pending = await harness
        .value("acme/orders-db", { versionId: token })
        .catch(() => undefined);
      if (pending?.password) staged.push(pending);
      const works = await Promise.all(staged.map((v) => db.canLogin("app", v.password as string)));
      expect(works).toContain(true);

      await harness.runSteps("acme/orders-db", config, token);

      const current = await harness.value("acme/orders-db", { stage: "AWSCURRENT" });
      expect(current.password).not.toBe(value.password);
      expect(await db.canLogin("app", current.password as string)).toBe(true);
      expect(await db.canLogin("app", value.password)).toBe(false);
      expect((await harness.stages("acme/orders-db"))[token]).toEqual(["AWSCURRENT"]);
    },
  );
});

describe.each(ENGINES)("%s failure handling", (engine) => {
  it("changes nothing and alerts when the database is down during setSecret", async () => {
    const { db, value, config } = await singleUserSecret(engine, "acme/orders-db");
    const token = await harness.startRotation("acme/orders-db");
    const run = harness.engine("acme/orders-db", config);
    await run.step("createSecret", token);

    db.pause();
    const failed = await run.step("setSecret", token).then(
      () => undefined,
      (error: Error) => error,
    );
    db.resume();

    expect(failed?.message).toMatch(
      /setSecret of acme\/orders-db failed after 3 attempt\(s\).*rolled back/,
    );
    const stages = await harness.stages("acme/orders-db");
    expect(stages[token]).toEqual([]);
    expect((await harness.value("acme/orders-db", { stage: "AWSCURRENT" })).password).toBe(
      value.password,
    );
    expect(await db.canLogin("app", value.password)).toBe(true);
    await harness.waitForAlerts(1);
    expect(harness.alerts.map((a) => a.Subject)).toEqual([
      "VaultPilot: rotation of acme/orders-db failed and was rolled back",
    ]);
    expect(harness.audit.filter((e) => e.step === "setSecret").map((e) => e.outcome)).toEqual([
      "started",
      "retrying",
      "started",
      "retrying",
      "started",
      "failed",
    ]);
  });

  it("rolls back the database and AWSCURRENT when a consumer cannot be reloaded", async () => {
    const { db, value, config } = await singleUserSecret(engine, "acme/orders-db");
    const broken: SecretRotationConfig = {
      ...config,
      reload: [
        { service: "billing-worker", runtime: "lambda", lambda: { function: "no-such-function" } },
      ],
    };
    const token = await harness.startRotation("acme/orders-db");

    const failed = await harness.runSteps("acme/orders-db", broken, token).then(
      () => undefined,
      (error: Error) => error,
    );

    expect(failed?.message).toMatch(/finishSecret of acme\/orders-db failed/);
    const current = await harness.value("acme/orders-db", { stage: "AWSCURRENT" });
    expect(current.password).toBe(value.password);
    expect(await db.canLogin("app", value.password)).toBe(true);
    const failedValue = await harness.value("acme/orders-db", { versionId: token });
    expect(await db.canLogin("app", failedValue.password as string)).toBe(false);
    expect((await harness.stages("acme/orders-db"))[token]).toEqual(["AWSPREVIOUS"]);
    await harness.waitForAlerts(1);
    expect(harness.alerts[0]?.Message).toContain("AWSCURRENT is version");
  });

  it("sends a second alert when the rollback itself fails", async () => {
    const { db, config } = await singleUserSecret(engine, "acme/orders-db");
    const broken: SecretRotationConfig = {
      ...config,
      reload: [
        { service: "billing-worker", runtime: "lambda", lambda: { function: "no-such-function" } },
      ],
    };
    const token = await harness.startRotation("acme/orders-db");
    const run = harness.engine("acme/orders-db", broken);
    for (const step of STEPS.slice(0, 3)) await run.step(step, token);
    // The database goes down after the password changed: the rollback cannot put it back.
    db.pause();
    const failed = await run.step("finishSecret", token).then(
      () => undefined,
      (error: Error) => error,
    );
    db.resume();

    expect(failed?.message).toMatch(/and the rollback failed too/);
    await harness.waitForAlerts(1);
    expect(harness.alerts.map((a) => a.Subject)).toEqual([
      "VaultPilot: rotation of acme/orders-db failed AND its rollback failed",
    ]);
  });
});

describe("concurrent rotations", () => {
  it("lets one of two simultaneous CLI rotations proceed and the other do no harm", async () => {
    // Repeated, since which run wins, and where the loser stops, varies from run to run.
    for (let round = 0; round < 5; round++) {
      await moto.reset();
      await harness.prepare();
      const { db, value, config } = await singleUserSecret("postgres", "acme/orders-db");
      const a = harness.engine("acme/orders-db", config);
      const b = harness.engine("acme/orders-db", config);

      const results = await Promise.allSettled([a.rotate(), b.rotate()]);

      const current = await harness.value("acme/orders-db", { stage: "AWSCURRENT" });
      expect(current.password).not.toBe(value.password);
      expect(await db.canLogin("app", current.password as string)).toBe(true);
      expect(await db.canLogin("app", value.password)).toBe(false);
      expect(results.some((r) => r.status === "fulfilled")).toBe(true);
      for (const r of results) {
        if (r.status === "rejected") {
          expect(String(r.reason)).toMatch(/^Error: busy: run [0-9a-f]{16} holds the claim/);
        }
      }
      const stages = Object.values(await harness.stages("acme/orders-db"));
      expect(stages.filter((s) => s.includes("AWSCURRENT"))).toHaveLength(1);
      expect(stages.filter((s) => s.includes("AWSPENDING"))).toHaveLength(0);
      expect(harness.audit.some((e) => e.step === "rollback")).toBe(false);
    }
  });
});

describe("canary", () => {
  it("never puts a password into audit events, alerts or errors, even on failure", async () => {
    const { config } = await singleUserSecret("postgres", "acme/orders-db", CANARY);
    const broken: SecretRotationConfig = {
      ...config,
      reload: [
        { service: "billing-worker", runtime: "lambda", lambda: { function: "no-such-function" } },
      ],
    };
    const token = await harness.startRotation("acme/orders-db");
    const error = await harness.runSteps("acme/orders-db", broken, token).then(
      () => undefined,
      (e: Error) => e,
    );
    const drawn = (await harness.value("acme/orders-db", { versionId: token })).password as string;
    await harness.waitForAlerts(1);

    const everything = JSON.stringify([
      harness.audit,
      harness.alerts,
      error?.message,
      String(error?.stack),
    ]);
    expect(error).toBeDefined();
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(drawn);
  });
});
