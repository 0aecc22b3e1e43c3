import { createConnection, type Connection } from "mysql2/promise";
import type { Strategy } from "../strategy.js";
import { clientEd25519 } from "./mariadb-ed25519.js";
import { equalise, parseGrants, quotedAccount } from "./mysql-grants.js";
import { HASHED_PLUGINS, pluginOf, storedForm, type HashedPlugin } from "./mysql-auth.js";
import { sqlStrategy, type SqlEngine } from "./sql.js";

/**
 * MySQL and MariaDB. A password goes to the server only in the stored form of the account's
 * authentication plugin, computed here (mysql_native_password: `'*' + HEX(SHA1(SHA1(pw)))`;
 * MariaDB's ed25519: the base64 public key derived from SHA-512(pw)), so the
 * general query log and the binary log hold no password: MariaDB `SET PASSWORD FOR 'u'@'h' = '*…'`
 * (which a user may run for its own account), MySQL `ALTER USER … IDENTIFIED WITH
 * mysql_native_password AS '*…'`. Every statement names its account. Values go through mysql2's
 * client-side escaping (`?` placeholders in query()); names from SHOW GRANTS come quoted by the server.
 *
 * Alternating users: at every rotation `<user>_clone`'s grants are made equal to `<user>`'s,
 * revoking what `<user>` lacks: privileges are managed on `<user>`, and one a DBA revoked from it
 * is revoked from the clone at the next rotation instead of coming back.
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
      authPlugins: { client_ed25519: clientEd25519(c.password) },
    });
    connection.on("error", () => undefined);
    const server = serverOf(connection);
    return {
      async sessionUser() {
        return (await server.currentAccount()).user;
      },
      async setPassword(username, password) {
        for (const host of await server.hosts(username)) {
          const plugin = await server.plugin(username, host);
          const stored = storedForm(plugin, password);
          if (await server.isMariadb())
            // MariaDB takes a plugin's stored form as SET PASSWORD's literal, for one's own account too.
            await connection.query("SET PASSWORD FOR ?@? = ?", [username, host, stored]);
          else
            await connection.query("ALTER USER ?@? IDENTIFIED WITH mysql_native_password AS ?", [
              username,
              host,
              stored,
            ]);
        }
      },
      async makeEquivalent(base, clone, password) {
        for (const host of await server.hosts(base)) {
          const [found] = await connection.query(
            "SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?",
            [clone, host],
          );
          if ((found as unknown[]).length === 0) {
            // The clone authenticates as the user does; a plugin whose form is not computed here is refused.
            const plugin = await server.plugin(base, host);
            const stored = storedForm(plugin, password);
            if (!(await server.isMariadb()))
              await connection.query("CREATE USER ?@? IDENTIFIED WITH mysql_native_password AS ?", [
                clone,
                host,
                stored,
              ]);
            else if (plugin === "ed25519")
              await connection.query("CREATE USER ?@? IDENTIFIED VIA ed25519 USING ?", [
                clone,
                host,
                stored,
              ]);
            else
              await connection.query("CREATE USER ?@? IDENTIFIED BY PASSWORD ?", [
                clone,
                host,
                stored,
              ]);
          }
          const reference = parseGrants(await server.grants(base, host), quotedAccount(base, host));
          const target = parseGrants(await server.grants(clone, host), quotedAccount(clone, host));
          for (const statement of equalise(reference, target, quotedAccount(clone, host)))
            await connection.query(statement);
        }
      },
      async check() {
        await connection.query("SELECT NOW()");
      },
      close: () => connection.end(),
    };
  },
};

/** What setPassword and makeEquivalent ask the server about accounts. */
function serverOf(connection: Connection) {
  let mariadb: boolean | undefined;
  const first = async <T>(sql: string, values: unknown[] = []): Promise<T[]> =>
    (await connection.query(sql, values))[0] as T[];
  const currentAccount = async () => {
    const [row] = await first<{ a: string }>("SELECT CURRENT_USER() AS a");
    const account = row?.a ?? "";
    const at = account.lastIndexOf("@");
    return { user: account.slice(0, at), host: account.slice(at + 1) };
  };
  return {
    currentAccount,
    async isMariadb() {
      if (mariadb === undefined) {
        const [row] = await first<{ v: string }>("SELECT VERSION() AS v");
        mariadb = /mariadb/i.test(row?.v ?? "");
      }
      return mariadb;
    },
    /** The hosts `user` has accounts at: its own session's, or mysql.user's rows for an administrator. */
    async hosts(user: string): Promise<string[]> {
      const self = await currentAccount();
      if (self.user === user) return [self.host];
      const rows = await first<{ Host: string }>("SELECT Host FROM mysql.user WHERE User = ?", [
        user,
      ]);
      if (rows.length === 0) throw new Error(`the database has no user "${user}"`);
      return rows.map((r) => r.Host);
    },
    /** The account's authentication plugin; refuses one whose stored form VaultPilot cannot compute. */
    async plugin(user: string, host: string): Promise<HashedPlugin> {
      const [row] = await first<Record<string, string>>("SHOW CREATE USER ?@?", [user, host]);
      const plugin = pluginOf(Object.values(row ?? {})[0] ?? "") ?? "mysql_native_password";
      if (!(HASHED_PLUGINS as readonly string[]).includes(plugin))
        throw new Error(
          `the user "${user}"@"${host}" authenticates with ${plugin}; VaultPilot sends passwords only pre-hashed and supports ${HASHED_PLUGINS.join(", ")}: change the user's plugin`,
        );
      if (plugin === "ed25519" && !(await this.isMariadb()))
        throw new Error(
          `the user "${user}"@"${host}" authenticates with ed25519, which only MariaDB has`,
        );
      return plugin as HashedPlugin;
    },
    async grants(user: string, host: string): Promise<string[]> {
      const rows = await first<Record<string, string>>("SHOW GRANTS FOR ?@?", [user, host]);
      return rows.map((row) => Object.values(row)[0] ?? "");
    },
  };
}

export const mysql: Strategy = sqlStrategy(mysqlEngine);
