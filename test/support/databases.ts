import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import pg from "pg";
import { clientEd25519 } from "../../components/rotation/strategies/mariadb-ed25519.js";
import { freePort } from "./moto.js";

/** A database server of this test file's own, in a temporary data directory. */
export interface DatabaseServer {
  readonly engine: "postgres" | "mysql";
  readonly host: string;
  readonly port: number;
  /** A superuser that can create users. */
  readonly admin: { readonly username: string; readonly password: string };
  /** Runs SQL as the admin (the values are escaped by the driver). */
  admin_sql(sql: string, values?: unknown[]): Promise<void>;
  /** Whether `username` can log in with `password` now. */
  canLogin(username: string, password: string): Promise<boolean>;
  /** Makes a login user with privileges on the test database. */
  createUser(username: string, password: string): Promise<void>;
  /**
   * Every server log file's text, concatenated (postgres: the logging collector's files;
   * MariaDB: the general query log and the error log). Only with `logAll` at start.
   */
  logs(): string;
  /** Stops accepting connections (SIGSTOP) until `resume`: the database is "down". */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const PG_BIN = "/usr/lib/postgresql/15/bin";
const ADMIN_PASSWORD = "admin-pass-for-tests";
const isRoot = process.getuid?.() === 0;

/** Postgres refuses to run as root: run it as the postgres user when we are root. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

async function waitUntil(
  what: string,
  child: ChildProcess,
  log: () => string,
  ready: () => Promise<boolean>,
) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${log()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start in 60 s: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGCONT");
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  });
}

/** The text of every file in `dir` ("" when it does not exist). */
function readAll(dir: string): string {
  if (!existsSync(dir)) return "";
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), "utf8"))
    .join("\n");
}

import { type TlsFiles } from "./tls.js";

export { makeTlsFiles, type TlsFiles } from "./tls.js";

/**
 * With `tls`, the server takes only TLS connections over TCP (`hostssl`; plain TCP is
 * rejected), and the helper's own connections verify its certificate against `tls.ca`.
 */
export async function startPostgres(
  options: { tls?: TlsFiles; logAll?: boolean } = {},
): Promise<DatabaseServer> {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-pg-"));
  const data = join(dir, "data");
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, ADMIN_PASSWORD);
  if (isRoot) {
    const { uid, gid } = pgIds();
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const [initCmd, initArgs] = asPostgres(join(PG_BIN, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=scram-sha-256",
    `--pwfile=${pwfile}`,
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const tlsSettings: string[] = [];
  if (options.tls) {
    // The server's copies: postgres wants its key owned by itself and readable by no one else.
    const cert = join(dir, "server.crt");
    const key = join(dir, "server.key");
    writeFileSync(cert, readFileSync(options.tls.cert));
    writeFileSync(key, readFileSync(options.tls.key), { mode: 0o600 });
    if (isRoot) {
      const { uid, gid } = pgIds();
      chownSync(cert, uid, gid);
      chownSync(key, uid, gid);
    }
    writeFileSync(
      join(data, "pg_hba.conf"),
      "local all all scram-sha-256\n" +
        "hostssl all all 127.0.0.1/32 scram-sha-256\n" +
        "hostnossl all all 127.0.0.1/32 reject\n",
    );
    tlsSettings.push("-c", "ssl=on", "-c", `ssl_cert_file=${cert}`, "-c", `ssl_key_file=${key}`);
  }
  const logDir = join(dir, "log");
  const logSettings = options.logAll
    ? [
        "-c",
        "log_statement=all",
        "-c",
        "logging_collector=on",
        "-c",
        `log_directory=${logDir}`,
        "-c",
        "log_min_error_statement=info",
      ]
    : [];
  const port = await freePort();
  const [cmd, args] = asPostgres(join(PG_BIN, "postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    ...tlsSettings,
    ...logSettings,
  ]);
  // exec through runuser keeps one process: the postmaster gets our signals.
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], detached: false });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const admin = { username: "postgres", password: ADMIN_PASSWORD };
  const connect = async (user: string, password: string) => {
    const client = new pg.Client({
      host: "127.0.0.1",
      port,
      user,
      password,
      database: "postgres",
      connectionTimeoutMillis: 3000,
      ssl: options.tls ? { ca: readFileSync(options.tls.ca, "utf8") } : false,
    });
    client.on("error", () => undefined);
    await client.connect();
    return client;
  };
  await waitUntil(
    "postgres",
    child,
    () => log,
    async () => {
      const client = await connect(admin.username, admin.password);
      await client.end();
      return true;
    },
  );
  const paused: number[] = [];
  return {
    engine: "postgres",
    host: "127.0.0.1",
    port,
    admin,
    logs: () => readAll(logDir) + log,
    async admin_sql(sql, values) {
      const client = await connect(admin.username, admin.password);
      try {
        await client.query(sql, values);
      } finally {
        await client.end();
      }
    },
    async canLogin(username, password) {
      try {
        const client = await connect(username, password);
        await client.end();
        return true;
      } catch {
        return false;
      }
    },
    async createUser(username, password) {
      const client = await connect(admin.username, admin.password);
      try {
        await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(username)}`);
        await client.query(
          `CREATE ROLE ${client.escapeIdentifier(username)} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`,
        );
      } finally {
        await client.end();
      }
    },
    pause() {
      const pids = spawnSync("pgrep", ["-f", "--", `-p ${port} `], { encoding: "utf8" })
        .stdout.split("\n")
        .filter(Boolean)
        .map(Number);
      for (const pid of pids) {
        process.kill(pid, "SIGSTOP");
        paused.push(pid);
      }
    },
    resume() {
      for (const pid of paused.splice(0)) process.kill(pid, "SIGCONT");
    },
    async stop() {
      for (const pid of paused.splice(0)) process.kill(pid, "SIGCONT");
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function pgIds(): { uid: number; gid: number } {
  const out = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim();
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim();
  return { uid: Number(out), gid: Number(gid) };
}

export async function startMariadb(options: { logAll?: boolean } = {}): Promise<DatabaseServer> {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-maria-"));
  chmodSync(dir, 0o755);
  const data = join(dir, "data");
  const socket = join(dir, "mysqld.sock");
  const user = isRoot ? ["--user=root"] : [];
  const init = spawnSync(
    "mariadb-install-db",
    [
      "--no-defaults",
      `--datadir=${data}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      ...user,
    ],
    { encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
  const logDir = join(dir, "log");
  mkdirSync(logDir);
  if (isRoot) chmodSync(logDir, 0o777);
  const logSettings = options.logAll
    ? [
        "--general-log",
        `--general-log-file=${join(logDir, "general.log")}`,
        `--log-error=${join(logDir, "error.log")}`,
      ]
    : [];
  const port = await freePort();
  const child = spawn(
    "mariadbd",
    [
      "--no-defaults",
      `--datadir=${data}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--socket=${socket}`,
      "--skip-name-resolve",
      "--innodb-flush-log-at-trx-commit=0",
      "--skip-log-bin",
      `--pid-file=${join(dir, "pid")}`,
      ...logSettings,
      ...user,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  await waitUntil(
    "mariadbd",
    child,
    () => log,
    async () => {
      const c = await createConnection({ socketPath: socket, user: "root" });
      await c.query("CREATE USER IF NOT EXISTS 'admin'@'%' IDENTIFIED BY ?", [ADMIN_PASSWORD]);
      await c.query("GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION");
      await c.query("CREATE DATABASE IF NOT EXISTS app");
      await c.end();
      return true;
    },
  );
  const admin = { username: "admin", password: ADMIN_PASSWORD };
  const connect = (username: string, password: string) =>
    createConnection({
      host: "127.0.0.1",
      port,
      user: username,
      password,
      connectTimeout: 3000,
      // mysql2 has no client for MariaDB's ed25519 accounts: VaultPilot's own.
      authPlugins: { client_ed25519: clientEd25519(password) },
    });
  return {
    engine: "mysql",
    host: "127.0.0.1",
    port,
    admin,
    logs: () => readAll(logDir) + log,
    async admin_sql(sql, values) {
      const c = await connect(admin.username, admin.password);
      try {
        await c.query(sql, values);
      } finally {
        await c.end();
      }
    },
    async canLogin(username, password) {
      try {
        const c = await connect(username, password);
        await c.end();
        return true;
      } catch {
        return false;
      }
    },
    async createUser(username, password) {
      const c = await connect(admin.username, admin.password);
      try {
        await c.query("DROP USER IF EXISTS ?@'%'", [username]);
        await c.query("DROP USER IF EXISTS ?@'%'", [`${username}_clone`]);
        await c.query("CREATE USER ?@'%' IDENTIFIED BY ?", [username, password]);
        await c.query("GRANT SELECT, INSERT ON app.* TO ?@'%'", [username]);
      } finally {
        await c.end();
      }
    },
    pause() {
      child.kill("SIGSTOP");
    },
    resume() {
      child.kill("SIGCONT");
    },
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
