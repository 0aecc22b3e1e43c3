import type { RotationValues, SecretValue, StrategyContext } from "../strategy.js";

/**
 * What postgres and mysql share: the AWS rotation templates' value
 * ({engine, host, port, username, password, dbname, masterarn}) and the single/alternating logic.
 * Each engine supplies how to log in and how to change a password.
 */
export interface SqlCredentials {
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname?: string;
  readonly masterarn?: string;
}

export interface SqlSession {
  /** Sets `username`'s password; creates the user (like `template`) if `create`. */
  setPassword(username: string, password: string, options?: { createLike?: string }): Promise<void>;
  check(): Promise<void>;
  close(): Promise<void>;
}

export interface SqlEngine {
  readonly name: string;
  readonly defaultPort: number;
  /** Logs in; rejects when the credentials do not work or the server is unreachable. */
  connect(credentials: SqlCredentials, options: ConnectOptions): Promise<SqlSession>;
}

export interface ConnectOptions {
  readonly tls: boolean;
  readonly timeoutMs: number;
}

function connectOptions(context: StrategyContext): ConnectOptions {
  return { tls: context.config.tls ?? false, timeoutMs: context.config.connectTimeoutMs ?? 5000 };
}

export const CLONE_SUFFIX = "_clone";

/** The server answered and refused the credentials, as opposed to not answering at all. */
export function refused(error: unknown): boolean {
  const code = (error as { code?: string | number }).code;
  // PostgreSQL invalid_password / invalid_authorization; MySQL ER_ACCESS_DENIED_ERROR.
  return code === "28P01" || code === "28000" || code === "ER_ACCESS_DENIED_ERROR" || code === 1045;
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
  return {
    engine: typeof value.engine === "string" ? value.engine : engine.name,
    host: field("host"),
    port,
    username: field("username"),
    password: field("password"),
    ...(typeof value.dbname === "string" && { dbname: value.dbname }),
    ...(typeof value.masterarn === "string" && { masterarn: value.masterarn }),
  };
}

function alternating(context: StrategyContext): boolean {
  return context.config.strategy === "alternating";
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

export function sqlStrategy(engine: SqlEngine) {
  return {
    async create(current: SecretValue, context: StrategyContext): Promise<SecretValue> {
      const c = credentials(current, engine);
      let username = c.username;
      if (alternating(context)) {
        if (!c.masterarn)
          throw new Error(
            `the alternating strategy needs "masterarn" in the ${engine.name} secret`,
          );
        username = username.endsWith(CLONE_SUFFIX)
          ? username.slice(0, -CLONE_SUFFIX.length)
          : `${username}${CLONE_SUFFIX}`;
      }
      return { ...current, username, password: await context.password() };
    },

    async set(values: RotationValues, context: StrategyContext): Promise<void> {
      const tls = connectOptions(context);
      const pending = credentials(values.pending, engine);
      // Already set (a rerun after a crash): nothing to do.
      const done = await tryConnect(engine, pending, tls);
      if (done) return withSession(done, async () => undefined);
      const current = credentials(values.current, engine);
      if (pending.host !== current.host || pending.port !== current.port) {
        throw new Error(
          `the pending ${engine.name} secret names another server than the current one; refusing to set it`,
        );
      }
      if (alternating(context)) {
        const master = credentials(await context.master(current.masterarn ?? ""), engine);
        const session = await engine.connect(
          { ...master, dbname: current.dbname ?? master.dbname } as SqlCredentials,
          tls,
        );
        const createLike = pending.username === current.username ? undefined : current.username;
        return withSession(session, (s) =>
          s.setPassword(pending.username, pending.password, { ...(createLike && { createLike }) }),
        );
      }
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
            s.setPassword(pending.username, pending.password),
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
      const session = await engine.connect(credentials(pending, engine), connectOptions(context));
      await withSession(session, (s) => s.check());
    },

    async revert(
      values: { restore: SecretValue; failed: SecretValue; changed: boolean },
      context: StrategyContext,
    ): Promise<void> {
      const tls = connectOptions(context);
      const restore = credentials(values.restore, engine);
      const failed = credentials(values.failed, engine);
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
      await withSession(session, (s) => s.setPassword(restore.username, restore.password));
    },
  };
}
