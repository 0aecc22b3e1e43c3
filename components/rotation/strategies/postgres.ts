import pg from "pg";
import type { Strategy } from "../strategy.js";
import { sqlStrategy, type SqlEngine } from "./sql.js";

/**
 * PostgreSQL. ALTER ROLE takes no bind parameters, so the password goes in as a literal quoted
 * by pg's escapeLiteral (which handles quotes and backslashes) and names through escapeIdentifier.
 */
export const postgresEngine: SqlEngine = {
  name: "postgres",
  defaultPort: 5432,
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
    return {
      async setPassword(username, password, options = {}) {
        const role = client.escapeIdentifier(username);
        const literal = client.escapeLiteral(password);
        if (options.createLike) {
          const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [
            username,
          ]);
          if (exists.rowCount === 0) {
            await client.query(
              `CREATE ROLE ${role} WITH LOGIN IN ROLE ${client.escapeIdentifier(options.createLike)}`,
            );
          }
        }
        await client.query(`ALTER ROLE ${role} WITH PASSWORD ${literal}`);
      },
      async check() {
        await client.query("SELECT now()");
      },
      close: () => client.end(),
    };
  },
};

export const postgres: Strategy = sqlStrategy(postgresEngine);
