import pg from "pg";
import type { Strategy } from "../strategy.js";
import { scramSha256Verifier } from "./postgres-scram.js";
import { sqlStrategy, type SqlEngine } from "./sql.js";

/**
 * PostgreSQL. A password goes to the server only as a SCRAM-SHA-256 verifier computed here
 * (`ALTER ROLE "x" PASSWORD 'SCRAM-SHA-256$4096:…'`, as psql's \password sends it), so
 * `log_statement = 'ddl'` or `'all'` logs no password. ALTER ROLE takes no bind parameters: the
 * verifier goes in through pg's escapeLiteral and names through escapeIdentifier.
 *
 * Alternating users: `<user>_clone` is a member of `<user>` and logs in as it
 * (`ALTER ROLE "<user>_clone" SET role = '<user>'`), so whichever user is current, every session
 * acts as `<user>`: objects either creates are owned by `<user>`, and a privilege granted to or
 * revoked from `<user>` holds for both. Privileges are managed on `<user>`.
 */
export const postgresEngine: SqlEngine = {
  name: "postgres",
  defaultPort: 5432,
  defaultDatabase: "postgres",
  async connect(c, { tls, timeoutMs }) {
    const client = new pg.Client({
      host: c.host,
      port: c.port,
      user: c.username,
      password: c.password,
      database: c.dbname ?? "postgres",
      ssl: tls ? { rejectUnauthorized: true } : false,
      connectionTimeoutMillis: timeoutMs,
      application_name: "vaultpilot-rotation",
    });
    // A connection error after connect() must not crash the process.
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    const id = (name: string) => client.escapeIdentifier(name);
    const verifier = (password: string) => client.escapeLiteral(scramSha256Verifier(password));
    return {
      async sessionUser() {
        const result = await client.query<{ u: string }>("SELECT session_user AS u");
        return result.rows[0]!.u;
      },
      async setPassword(username, password) {
        await client.query(`ALTER ROLE ${id(username)} WITH PASSWORD ${verifier(password)}`);
      },
      async makeEquivalent(base, clone, password) {
        const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [clone]);
        if (exists.rowCount === 0) {
          await client.query(
            `CREATE ROLE ${id(clone)} WITH LOGIN PASSWORD ${verifier(password)} IN ROLE ${id(base)}`,
          );
        } else {
          const member = await client.query(
            "SELECT 1 FROM pg_auth_members WHERE roleid = $1::regrole AND member = $2::regrole",
            [base, clone].map((name) => id(name)),
          );
          if (member.rowCount === 0) await client.query(`GRANT ${id(base)} TO ${id(clone)}`);
        }
        // Every session of the clone acts as the base user (a role-level default of SET ROLE).
        await client.query(`ALTER ROLE ${id(clone)} SET role = ${client.escapeLiteral(base)}`);
      },
      async check() {
        await client.query("SELECT now()");
      },
      close: () => client.end(),
    };
  },
};

export const postgres: Strategy = sqlStrategy(postgresEngine);
