import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { createConnection } from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SecretRotationConfig } from "../../components/rotation/config.js";
import { STEPS } from "../../components/rotation/engine.js";
import { startMariadb, startPostgres, type DatabaseServer } from "../support/databases.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import { awsStages, RotationHarness } from "./harness.js";

// Servers that log every statement: postgres log_statement = 'all', MariaDB's general query log.
let moto: MotoServer;
let harness: RotationHarness;
const servers: Record<"postgres" | "mysql", DatabaseServer> = {} as never;

beforeAll(async () => {
  const [m, pgServer, maria] = await Promise.all([
    startMoto(),
    startPostgres({ logAll: true }),
    startMariadb({ logAll: true }),
  ]);
  moto = m;
  servers.postgres = pgServer;
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

/** A new password that must appear in no server log: quotes, backslash, %, a non-ASCII letter. */
const NEW_CANARY = `LOGCANARY-'q' "d" \\ 100% é-${process.pid}`;

function dbname(engine: Engine) {
  return engine === "postgres" ? { dbname: "postgres" } : {};
}

/** Stages `pending` as the AWSPENDING value of a rotation just started, in place of a drawn one. */
async function stagePending(name: string, pending: object): Promise<string> {
  const token = await harness.startRotation(name);
  await harness.sm.send(
    new PutSecretValueCommand({
      SecretId: name,
      ClientRequestToken: token,
      SecretString: JSON.stringify(pending),
      VersionStages: ["AWSPENDING"],
    }),
  );
  return token;
}

async function masterSecret(engine: Engine): Promise<string> {
  const db = servers[engine];
  const made = await harness.createSecret("acme/db-admin", {
    engine,
    host: db.host,
    port: db.port,
    username: db.admin.username,
    password: db.admin.password,
  });
  void made;
  const { DescribeSecretCommand } = await import("@aws-sdk/client-secrets-manager");
  return (await harness.sm.send(new DescribeSecretCommand({ SecretId: "acme/db-admin" }))).ARN!;
}

async function alternatingSecret(engine: Engine, user: string) {
  const db = servers[engine];
  await db.createUser(user, "first-password");
  if (engine === "postgres") {
    await db.admin_sql(`DROP ROLE IF EXISTS ${user}_clone`);
  }
  const value = {
    engine,
    host: db.host,
    port: db.port,
    username: user,
    password: "first-password",
    masterarn: await masterSecret(engine),
    ...dbname(engine),
  };
  await harness.createSecret("acme/orders-db", value);
  const config: SecretRotationConfig = {
    tenant: "acme",
    name: "orders-db",
    type: engine,
    strategy: "alternating",
    connection: {
      host: db.host,
      port: db.port,
      ...(engine === "postgres" && { database: "postgres" }),
      username: user,
    },
  };
  return { db, value, config };
}

async function current(): Promise<{ username: string; password: string }> {
  const value = await harness.value("acme/orders-db", { stage: "AWSCURRENT" });
  return { username: String(value.username), password: String(value.password) };
}

describe.each(ENGINES)("%s password changes in a server that logs every statement", (engine) => {
  it("single user: the new password logs in and appears in no server log", async () => {
    const db = servers[engine];
    await db.createUser("logged", "start-password");
    const value = {
      engine,
      host: db.host,
      port: db.port,
      username: "logged",
      password: "start-password",
      ...dbname(engine),
    };
    await harness.createSecret("acme/orders-db", value);
    const token = await stagePending("acme/orders-db", { ...value, password: NEW_CANARY });
    const engineRun = harness.engine("acme/orders-db", {
      tenant: "acme",
      name: "orders-db",
      type: engine,
      strategy: "single",
    });

    for (const step of STEPS) await engineRun.step(step, token);

    expect(await db.canLogin("logged", NEW_CANARY)).toBe(true);
    expect(await db.canLogin("logged", "start-password")).toBe(false);
    const logs = db.logs();
    // The statement was logged, with the client's verifier in place of the password.
    expect(logs).toMatch(
      engine === "postgres"
        ? /ALTER ROLE "logged".*SCRAM-SHA-256\$4096:/
        : /SET PASSWORD FOR 'logged'@'%' = '\*[0-9A-F]{40}'/,
    );
    expect(logs).not.toContain(NEW_CANARY);
    expect(logs).not.toContain("LOGCANARY");
  });

  it("alternating users: the clone's first and later passwords appear in no server log", async () => {
    const { db, config } = await alternatingSecret(engine, "altlog");
    const pending = { ...(await harness.value("acme/orders-db", { stage: "AWSCURRENT" })) };
    const token = await stagePending("acme/orders-db", {
      ...pending,
      username: "altlog_clone",
      password: `${NEW_CANARY}-clone`,
    });

    await harness.runSteps("acme/orders-db", config, token);
    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));

    expect(await db.canLogin("altlog_clone", `${NEW_CANARY}-clone`)).toBe(true);
    const now = await current();
    expect(now.username).toBe("altlog");
    expect(await db.canLogin("altlog", now.password)).toBe(true);
    const logs = db.logs();
    expect(logs).not.toContain("LOGCANARY");
    expect(logs).not.toContain(now.password);
  });
});

describe.each(ENGINES)("%s: no password change reaches the master user", (engine) => {
  it("refuses a pending value that names the master's own user, and the master still logs in", async () => {
    const { db, config } = await alternatingSecret(engine, "guarded");
    const base = await harness.value("acme/orders-db", { stage: "AWSCURRENT" });
    const token = await stagePending("acme/orders-db", {
      ...base,
      username: db.admin.username,
      password: "taken-over-password",
    });
    const run = harness.engine("acme/orders-db", {
      ...config,
      connection: undefined,
    } as SecretRotationConfig);
    await run.step("createSecret", token);

    const failed = await run.step("setSecret", token).then(
      () => undefined,
      (error: Error) => error,
    );

    expect(failed?.message).toMatch(
      /master secret's own user; refusing to change the administrator's password/,
    );
    expect(await db.canLogin(db.admin.username, db.admin.password)).toBe(true);
    expect(await db.canLogin(db.admin.username, "taken-over-password")).toBe(false);
  });
});

/** Runs SQL as `user`; rejects when the server refuses it. */
async function asUser(engine: Engine, user: string, password: string, sql: string) {
  const db = servers[engine];
  if (engine === "postgres") {
    const client = new pg.Client({
      host: db.host,
      port: db.port,
      user,
      password,
      database: "postgres",
    });
    await client.connect();
    try {
      return (await client.query(sql)).rows as unknown[];
    } finally {
      await client.end();
    }
  }
  const c = await createConnection({
    host: db.host,
    port: db.port,
    user,
    password,
    database: "app",
  });
  try {
    return (await c.query(sql))[0] as unknown[];
  } finally {
    await c.end();
  }
}

describe("postgres alternating users stay equivalent", () => {
  it("keeps tables made by either user readable by both across several alternations", async () => {
    const { db, config } = await alternatingSecret("postgres", "owner");
    await db.admin_sql("GRANT CREATE ON SCHEMA public TO owner");
    const firstPassword = "first-password";
    const made: string[] = [];
    for (let round = 1; round <= 4; round++) {
      await harness.runSteps(
        "acme/orders-db",
        config,
        await harness.startRotation("acme/orders-db"),
      );
      const now = await current();
      const table = `made_in_round_${round}`;
      await asUser("postgres", now.username, now.password, `CREATE TABLE ${table} (n int)`);
      await asUser(
        "postgres",
        now.username,
        now.password,
        `INSERT INTO ${table} VALUES (${round})`,
      );
      made.push(table);
      // The other user, with the password it still has, reads every table made so far.
      const previous = await harness.value("acme/orders-db", { stage: "AWSPREVIOUS" });
      const other =
        round === 1
          ? { username: "owner", password: firstPassword }
          : { username: String(previous.username), password: String(previous.password) };
      expect(other.username).not.toBe(now.username);
      for (const t of made) {
        expect(
          await asUser("postgres", other.username, other.password, `SELECT n FROM ${t}`),
        ).toHaveLength(1);
      }
    }
  });

  it("keeps a privilege a DBA revoked from the user revoked for both", async () => {
    const { db, config } = await alternatingSecret("postgres", "reader");
    await db.admin_sql("DROP TABLE IF EXISTS ledger");
    await db.admin_sql("CREATE TABLE ledger (n int)");
    await db.admin_sql("GRANT SELECT ON ledger TO reader");
    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));
    const clone = await current();
    expect(
      await asUser("postgres", clone.username, clone.password, "SELECT * FROM ledger"),
    ).toEqual([]);

    await db.admin_sql("REVOKE SELECT ON ledger FROM reader");
    for (let round = 0; round < 3; round++) {
      await harness.runSteps(
        "acme/orders-db",
        config,
        await harness.startRotation("acme/orders-db"),
      );
      const now = await current();
      await expect(
        asUser("postgres", now.username, now.password, "SELECT * FROM ledger"),
      ).rejects.toThrow(/permission denied/);
    }
  });
});

describe("mysql alternating users stay equivalent", () => {
  async function grantsOf(user: string): Promise<string[]> {
    const db = servers.mysql;
    const c = await createConnection({
      host: db.host,
      port: db.port,
      user: db.admin.username,
      password: db.admin.password,
    });
    try {
      const [rows] = await c.query("SHOW GRANTS FOR ?@'%'", [user]);
      return (rows as Record<string, string>[])
        .map((r) =>
          Object.values(r)[0]!
            .replace(`\`${user}\``, "`USER`")
            .replace(/ IDENTIFIED BY PASSWORD '[^']*'/, ""),
        )
        .sort();
    } finally {
      await c.end();
    }
  }

  it("makes the clone's grants equal to the user's, and a privilege a DBA revoked does not come back", async () => {
    const { db, config } = await alternatingSecret("mysql", "shop");
    await db.admin_sql("CREATE TABLE IF NOT EXISTS app.stock (n int)");
    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));
    expect(await grantsOf("shop_clone")).toEqual(await grantsOf("shop"));

    await db.admin_sql("REVOKE INSERT ON app.* FROM 'shop'@'%'");
    await db.admin_sql("GRANT UPDATE ON app.stock TO 'shop'@'%'");
    for (let round = 0; round < 3; round++) {
      await harness.runSteps(
        "acme/orders-db",
        config,
        await harness.startRotation("acme/orders-db"),
      );
      expect(await grantsOf("shop_clone")).toEqual(await grantsOf("shop"));
      const now = await current();
      await expect(
        asUser("mysql", now.username, now.password, "INSERT INTO stock VALUES (1)"),
      ).rejects.toThrow(/denied/);
      expect(await asUser("mysql", now.username, now.password, "SELECT * FROM stock")).toEqual([]);
    }
    expect((await grantsOf("shop")).join("\n")).not.toMatch(/INSERT/);
  });

  it("revokes from an existing clone what the user lacks", async () => {
    const { db, config } = await alternatingSecret("mysql", "legacy");
    await db.admin_sql("CREATE USER 'legacy_clone'@'%' IDENTIFIED BY 'old-clone-password'");
    await db.admin_sql("GRANT ALL PRIVILEGES ON app.* TO 'legacy_clone'@'%' WITH GRANT OPTION");

    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));

    expect(await grantsOf("legacy_clone")).toEqual(await grantsOf("legacy"));
  });
});

describe("the policy's connection is authoritative", () => {
  it.each([
    [
      "host",
      { host: "db.example.internal" },
      `"host" is "127.0.0.1" but the policy's connection.host is "db.example.internal"`,
    ],
    ["port", { port: 1 }, `but the policy's connection.port is 1`],
    [
      "database",
      { database: "orders" },
      `"dbname" is "postgres" but the policy's connection.database is "orders"`,
    ],
    [
      "username",
      { username: "someone" },
      `"username" is "held" but the policy's connection.username is "someone"`,
    ],
  ])(
    "refuses, changing nothing and naming both values, when the value's %s differs",
    async (_field, override, message) => {
      const db = servers.postgres;
      await db.createUser("held", "held-password");
      const value = {
        engine: "postgres",
        host: db.host,
        port: db.port,
        username: "held",
        password: "held-password",
        dbname: "postgres",
      };
      await harness.createSecret("acme/orders-db", value);
      const before = await harness.stages("acme/orders-db");
      const config: SecretRotationConfig = {
        tenant: "acme",
        name: "orders-db",
        type: "postgres",
        strategy: "single",
        connection: {
          host: db.host,
          port: db.port,
          database: "postgres",
          username: "held",
          ...override,
        },
      };

      const failed = await harness
        .engine("acme/orders-db", config)
        .rotate()
        .then(
          () => undefined,
          (error: Error) => error,
        );

      expect(failed?.message).toContain(message);
      expect(failed?.message).toContain("nothing was changed");
      expect(awsStages(await harness.stages("acme/orders-db"))).toEqual(awsStages(before));
      expect(await db.canLogin("held", "held-password")).toBe(true);
    },
  );

  it("accepts <username>_clone as the value's user with alternating users, and no other", async () => {
    const { config } = await alternatingSecret("postgres", "pair");
    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));
    expect((await current()).username).toBe("pair_clone");

    const other = { ...config, connection: { ...config.connection!, username: "other" } };
    const failed = await harness
      .runSteps("acme/orders-db", other, await harness.startRotation("acme/orders-db"))
      .then(
        () => undefined,
        (error: Error) => error,
      );

    expect(failed?.message).toContain(
      `"username" is "pair_clone" but the policy's connection.username is "other" (with alternating users, "other" or "other_clone"); nothing was changed`,
    );
  });
});

describe("mysql accounts with MariaDB's ed25519 plugin", () => {
  async function ed25519User(user: string, password: string) {
    const db = servers.mysql;
    await db.admin_sql("INSTALL SONAME 'auth_ed25519'").catch(() => undefined);
    await db.admin_sql("DROP USER IF EXISTS ?@'%'", [user]);
    await db.admin_sql("DROP USER IF EXISTS ?@'%'", [`${user}_clone`]);
    await db.admin_sql("CREATE USER ?@'%' IDENTIFIED VIA ed25519 USING PASSWORD(?)", [
      user,
      password,
    ]);
    await db.admin_sql("GRANT SELECT ON app.* TO ?@'%'", [user]);
  }

  it("single user: changes the password by its ed25519 key, which logs in, and no log holds it", async () => {
    const db = servers.mysql;
    await ed25519User("eduser", "start-password");
    const value = {
      engine: "mysql",
      host: db.host,
      port: db.port,
      username: "eduser",
      password: "start-password",
    };
    await harness.createSecret("acme/orders-db", value);
    const token = await stagePending("acme/orders-db", { ...value, password: NEW_CANARY });
    const run = harness.engine("acme/orders-db", {
      tenant: "acme",
      name: "orders-db",
      type: "mysql",
      strategy: "single",
    });

    for (const step of STEPS) await run.step(step, token);

    expect(await db.canLogin("eduser", NEW_CANARY)).toBe(true);
    expect(await db.canLogin("eduser", "start-password")).toBe(false);
    expect(db.logs()).toMatch(/SET PASSWORD FOR 'eduser'@'%' = '[A-Za-z0-9+/]{43}'/);
    expect(db.logs()).not.toContain("LOGCANARY");
  });

  it("alternating users: makes the clone an ed25519 account too", async () => {
    const db = servers.mysql;
    await ed25519User("edalt", "first-password");
    const value = {
      engine: "mysql",
      host: db.host,
      port: db.port,
      username: "edalt",
      password: "first-password",
      masterarn: await masterSecret("mysql"),
    };
    await harness.createSecret("acme/orders-db", value);
    const config: SecretRotationConfig = {
      tenant: "acme",
      name: "orders-db",
      type: "mysql",
      strategy: "alternating",
    };

    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));
    await harness.runSteps("acme/orders-db", config, await harness.startRotation("acme/orders-db"));

    const clone = await harness.value("acme/orders-db", { stage: "AWSPREVIOUS" });
    const now = await current();
    expect(clone.username).toBe("edalt_clone");
    expect(await db.canLogin("edalt_clone", String(clone.password))).toBe(true);
    expect(await db.canLogin("edalt", now.password)).toBe(true);
    expect(db.logs()).toMatch(/CREATE USER 'edalt_clone'@'%' IDENTIFIED VIA ed25519 USING '/);
    expect(db.logs()).not.toContain(now.password);
    expect(db.logs()).not.toContain(String(clone.password));
  });
});
