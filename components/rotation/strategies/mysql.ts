import { createConnection } from "mysql2/promise";
import type { Strategy } from "../strategy.js";
import { sqlStrategy, type SqlEngine } from "./sql.js";

/**
 * MySQL and MariaDB. Statements go through mysql2's client-side escaping (`?` placeholders in
 * query()), which quotes the password as a string literal and the user and host as strings too.
 */
export const mysqlEngine: SqlEngine = {
  name: "mysql",
  defaultPort: 3306,
  async connect(c, { tls, timeoutMs }) {
    const connection = await createConnection({
      host: c.host,
      port: c.port,
      user: c.username,
      password: c.password,
      ...(c.dbname && { database: c.dbname }),
      ...(tls && { ssl: { rejectUnauthorized: true } }),
      connectTimeout: timeoutMs,
    });
    connection.on("error", () => undefined);
    // MariaDB lets a user change its own password only through SET PASSWORD; MySQL 8 has no
    // PASSWORD() function but lets ALTER USER CURRENT_USER() do it without privileges.
    let mariadb: boolean | undefined;
    const isMariadb = async () => {
      if (mariadb === undefined) {
        const [rows] = await connection.query("SELECT VERSION() AS v");
        mariadb = /mariadb/i.test((rows as { v: string }[])[0]?.v ?? "");
      }
      return mariadb;
    };
    return {
      async setPassword(username, password, options = {}) {
        if (options.createLike) {
          const [hosts] = await connection.query("SELECT Host FROM mysql.user WHERE User = ?", [
            options.createLike,
          ]);
          const host = (hosts as { Host: string }[])[0]?.Host ?? "%";
          await connection.query("CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?", [
            username,
            host,
            password,
          ]);
          const [grants] = await connection.query("SHOW GRANTS FOR ?@?", [
            options.createLike,
            host,
          ]);
          for (const row of grants as Record<string, string>[]) {
            const grant = Object.values(row)[0] ?? "";
            if (
              !grant.startsWith("GRANT ") ||
              / IDENTIFIED BY /i.test(grant) ||
              /^GRANT USAGE /i.test(grant)
            )
              continue;
            const from = `TO \`${options.createLike}\`@`;
            if (!grant.includes(from)) continue;
            await connection.query(grant.replace(from, `TO \`${username}\`@`));
          }
          await connection.query("ALTER USER ?@? IDENTIFIED BY ?", [username, host, password]);
          return;
        }
        if (await isMariadb()) await connection.query("SET PASSWORD = PASSWORD(?)", [password]);
        else await connection.query("ALTER USER CURRENT_USER() IDENTIFIED BY ?", [password]);
      },
      async check() {
        await connection.query("SELECT NOW()");
      },
      close: () => connection.end(),
    };
  },
};

export const mysql: Strategy = sqlStrategy(mysqlEngine);
