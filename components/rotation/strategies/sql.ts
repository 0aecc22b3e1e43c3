import { CLONE_SUFFIX } from "../../../program/documents.js";
import type { RotationValues, SecretValue, StrategyContext } from "../strategy.js";

/**
 * What postgres and mysql share: the AWS rotation templates' value
 * ({engine, host, port, username, password, dbname, masterarn, ssl}) and the single/alternating
 * logic. Each engine supplies how to log in and how to change a password.
 */
export interface SqlCredentials {
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname?: string;
  readonly masterarn?: string;
  /** The value's `ssl` field (AWS's templates read it): true or "true" asks for TLS. @default false */
  readonly ssl: boolean;
}

export interface SqlSession {
  /** The user this session is logged in as (PostgreSQL `session_user`, MySQL `CURRENT_USER()`). */
  sessionUser(): Promise<string>;
  /**
   * Sets `username`'s password. The statement always names the user, and carries only a
   * verifier computed on the client (SCRAM-SHA-256, mysql_native_password's hash), never the
   * password: a server logging every statement logs no password.
   */
  setPassword(username: string, password: string): Promise<void>;
  /**
   * Alternating users: creates `clone` (with `password`) when missing and makes it equivalent to
   * `base`, the policy's user, which stays the one place privileges are managed.
   */
  makeEquivalent(base: string, clone: string, password: string): Promise<void>;
  check(): Promise<void>;
  close(): Promise<void>;
}

export interface SqlEngine {
  readonly name: string;
  readonly defaultPort: number;
  /** The database a login uses when neither the value nor the policy names one. */
  readonly defaultDatabase?: string;
  /** Logs in; rejects when the credentials do not work or the server is unreachable. */
  connect(credentials: SqlCredentials, options: ConnectOptions): Promise<SqlSession>;
}

export interface ConnectOptions {
  /** TLS with the server's certificate verified; never a plaintext fallback. */
  readonly tls: boolean;
  readonly timeoutMs: number;
}

/**
 * TLS when the policy's `connection.tls` or the `ssl` field of any value this login involves asks
 * for it: the stricter wins, so a password is never sent in plaintext when either asks for TLS.
 */
function connectOptions(context: StrategyContext, ...values: SqlCredentials[]): ConnectOptions {
  return {
    tls: (context.config.tls ?? false) || values.some((v) => v.ssl),
    timeoutMs: context.config.connectTimeoutMs ?? 5000,
  };
}

/** The server answered and refused the credentials, as opposed to not answering at all. */
export function refused(error: unknown): boolean {
  const code = (error as { code?: string | number }).code;
  // PostgreSQL invalid_password / invalid_authorization; MySQL ER_ACCESS_DENIED_ERROR.
  return code === "28P01" || code === "28000" || code === "ER_ACCESS_DENIED_ERROR" || code === 1045;
}

/** AWS's templates accept `"ssl": true` and `"ssl": "true"` (any case). */
export function sslField(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

export function credentials(value: SecretValue, engine: SqlEngine): SqlCredentials {
  const field = (name: string) => {
    const found = value[name];
    if (typeof found !== "string" || !found)
      throw new Error(`the ${engine.name} secret has no "${name}" field`);
    return found;
  };
  const port = value.port === undefined ? engine.defaultPort : Number(value.port);
  if (!Number.isInteger(port))
    throw new Error(`the ${engine.name} secret's "port" is not a number`);
  if (value.ssl !== undefined && typeof value.ssl !== "boolean" && typeof value.ssl !== "string")
    throw new Error(`the ${engine.name} secret's "ssl" must be true, false, "true" or "false"`);
  return {
    engine: typeof value.engine === "string" ? value.engine : engine.name,
    host: field("host"),
    port,
    username: field("username"),
    password: field("password"),
    ...(typeof value.dbname === "string" && { dbname: value.dbname }),
    ...(typeof value.masterarn === "string" && { masterarn: value.masterarn }),
    ssl: sslField(value.ssl),
  };
}

function alternating(context: StrategyContext): boolean {
  return context.config.strategy === "alternating";
}

/** `app` for both `app` and `app_clone`. */
export function baseUser(username: string): string {
  return username.endsWith(CLONE_SUFFIX) ? username.slice(0, -CLONE_SUFFIX.length) : username;
}

/**
 * The policy's spec.connection is authoritative: a value that names another server, database or
 * user is refused before anything changes, naming both. With alternating users the value may name
 * `<username>` or `<username>_clone`. Without a connection in the configuration (a configuration
 * written before it carried one) there is nothing to compare.
 */
export function checkAgainstPolicy(
  c: SqlCredentials,
  context: StrategyContext,
  engine: SqlEngine,
  which: string,
): void {
  const policy = context.config.connection;
  if (!policy) return;
  const valueDatabase = c.dbname ?? engine.defaultDatabase;
  const differ = (field: string, valueField: string, found: unknown, wanted: unknown) =>
    new Error(
      `the ${which} value's "${valueField}" is ${JSON.stringify(found ?? null)} but the policy's ` +
        `connection.${field} is ${JSON.stringify(wanted ?? null)}; nothing was changed. ` +
        `Correct the secret value (vaultpilot secret init --force) or the policy`,
    );
  if (c.host !== policy.host) throw differ("host", "host", c.host, policy.host);
  if (c.port !== policy.port) throw differ("port", "port", c.port, policy.port);
  if (valueDatabase !== policy.database)
    throw differ("database", "dbname", valueDatabase, policy.database);
  const clone = `${policy.username}${CLONE_SUFFIX}`;
  if (c.username !== policy.username && !(alternating(context) && c.username === clone)) {
    const error = differ("username", "username", c.username, policy.username);
    if (alternating(context))
      error.message = error.message.replace(
        "; nothing",
        ` (with alternating users, "${policy.username}" or "${clone}"); nothing`,
      );
    throw error;
  }
}

/** Tries to log in; undefined when the credentials are refused or the server is unreachable. */
export async function tryConnect(
  engine: SqlEngine,
  c: SqlCredentials,
  tls: ConnectOptions,
): Promise<SqlSession | undefined> {
  try {
    return await engine.connect(c, tls);
  } catch {
    return undefined;
  }
}

async function withSession<T>(session: SqlSession, use: (s: SqlSession) => Promise<T>): Promise<T> {
  try {
    return await use(session);
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** Single user: the session must be the user whose password it changes, and nobody else. */
async function setOwnPassword(session: SqlSession, username: string, password: string) {
  const self = await session.sessionUser();
  if (self !== username)
    throw new Error(
      `logged in as "${self}" to change the password of "${username}"; refusing to change another user's password`,
    );
  await session.setPassword(username, password);
}

export function sqlStrategy(engine: SqlEngine) {
  return {
    async create(current: SecretValue, context: StrategyContext): Promise<SecretValue> {
      const c = credentials(current, engine);
      checkAgainstPolicy(c, context, engine, "current");
      let username = c.username;
      if (alternating(context)) {
        if (!c.masterarn)
          throw new Error(
            `the alternating strategy needs "masterarn" in the ${engine.name} secret`,
          );
        username = username.endsWith(CLONE_SUFFIX)
          ? baseUser(username)
          : `${username}${CLONE_SUFFIX}`;
      }
      return { ...current, username, password: await context.password() };
    },

    async set(values: RotationValues, context: StrategyContext): Promise<void> {
      const pending = credentials(values.pending, engine);
      const current = credentials(values.current, engine);
      checkAgainstPolicy(current, context, engine, "current");
      checkAgainstPolicy(pending, context, engine, "pending");
      const tls = connectOptions(context, pending, current);
      if (pending.host !== current.host || pending.port !== current.port) {
        throw new Error(
          `the pending ${engine.name} secret names another server than the current one; refusing to set it`,
        );
      }
      if (alternating(context)) {
        const master = credentials(await context.master(current.masterarn ?? ""), engine);
        if (master.host !== current.host || master.port !== current.port)
          throw new Error(
            `the master secret names ${master.host}:${master.port}, not the secret's server ${current.host}:${current.port}; nothing was changed`,
          );
        // Never the administrator's own password (a pending value left naming the master user).
        if (pending.username === master.username || baseUser(pending.username) === master.username)
          throw new Error(
            `the pending user "${pending.username}" is the master secret's own user; refusing to change the administrator's password`,
          );
        const base = baseUser(current.username);
        if (baseUser(pending.username) !== base)
          throw new Error(
            `the pending user "${pending.username}" is neither "${base}" nor "${base}${CLONE_SUFFIX}"; refusing to set it`,
          );
        // Already set (a rerun after a crash): the users are still made equivalent below.
        const session = await engine.connect(
          { ...master, dbname: current.dbname ?? master.dbname } as SqlCredentials,
          connectOptions(context, pending, current, master),
        );
        return withSession(session, async (s) => {
          const self = await s.sessionUser();
          if (self === pending.username)
            throw new Error(
              `the pending user "${pending.username}" is the session's own user; refusing to change the administrator's password`,
            );
          await s.makeEquivalent(base, `${base}${CLONE_SUFFIX}`, pending.password);
          const done = await tryConnect(engine, pending, tls);
          if (done) return withSession(done, async () => undefined);
          await s.setPassword(pending.username, pending.password);
        });
      }
      // Already set (a rerun after a crash): nothing to do.
      const done = await tryConnect(engine, pending, tls);
      if (done) return withSession(done, async () => undefined);
      if (pending.username !== current.username)
        throw new Error("the single-user strategy cannot change the user name");
      // Log in as the user itself: with the current password, or the previous one when a crashed
      // run left the database on it.
      const logins = [current, values.previous && credentials(values.previous, engine)].filter(
        (c): c is SqlCredentials => Boolean(c) && c!.username === current.username,
      );
      let lastError: unknown;
      for (const login of logins) {
        try {
          const session = await engine.connect(login, tls);
          return await withSession(session, (s) =>
            setOwnPassword(s, pending.username, pending.password),
          );
        } catch (error) {
          lastError = error;
        }
      }
      throw lastError instanceof Error
        ? lastError
        : new Error(`cannot log in to ${engine.name} as ${current.username}`);
    },

    async test(pending: SecretValue, context: StrategyContext): Promise<void> {
      const c = credentials(pending, engine);
      const session = await engine.connect(c, connectOptions(context, c));
      await withSession(session, (s) => s.check());
    },

    async revert(
      values: { restore: SecretValue; failed: SecretValue; changed: boolean },
      context: StrategyContext,
    ): Promise<void> {
      const restore = credentials(values.restore, engine);
      const failed = credentials(values.failed, engine);
      const tls = connectOptions(context, restore, failed);
      // Alternating: the restored user was never changed, so its password still works.
      if (alternating(context)) return;
      try {
        const works = await engine.connect(restore, tls);
        return await withSession(works, async () => undefined);
      } catch (error) {
        // Unreachable and never changed: nothing to put back. Unreachable after a change: fail.
        if (!refused(error)) {
          if (!values.changed) return;
          throw error;
        }
      }
      const session = await engine.connect({ ...failed, username: restore.username }, tls);
      await withSession(session, (s) => setOwnPassword(s, restore.username, restore.password));
    },
  };
}
