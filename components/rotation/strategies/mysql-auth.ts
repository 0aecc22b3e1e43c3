import { createHash } from "node:crypto";
import { mariadbEd25519Hash } from "./mariadb-ed25519.js";

/**
 * The authentication plugins whose stored form VaultPilot computes on the client, so that a new
 * password never reaches a MySQL or MariaDB server, its general query log or its binary log in
 * clear. A user with any other plugin is refused with a one-line error: VaultPilot never falls
 * back to sending the password.
 */
export const HASHED_PLUGINS = ["mysql_native_password", "ed25519"] as const;
export type HashedPlugin = (typeof HASHED_PLUGINS)[number];

/** The stored form of `password` for `plugin` (MariaDB's ed25519: base64 of the public key). */
export function storedForm(plugin: HashedPlugin, password: string): string {
  return plugin === "ed25519" ? mariadbEd25519Hash(password) : nativePasswordHash(password);
}

/**
 * mysql_native_password's stored form: `*` and the upper-case hex of SHA1(SHA1(password))
 * (MySQL Reference Manual, "Native Pluggable Authentication"; MariaDB's PASSWORD()).
 */
export function nativePasswordHash(password: string): string {
  const once = createHash("sha1").update(password, "utf8").digest();
  return `*${createHash("sha1").update(once).digest("hex").toUpperCase()}`;
}

/**
 * The plugin a `SHOW CREATE USER` line names: MariaDB writes `IDENTIFIED VIA <plugin>` (or
 * `IDENTIFIED BY PASSWORD '*…'` for mysql_native_password), MySQL `IDENTIFIED WITH '<plugin>'`.
 * undefined when the account has no authentication clause (an empty native password).
 */
export function pluginOf(showCreateUser: string): string | undefined {
  const via = /IDENTIFIED (?:VIA|WITH) [`']?([A-Za-z0-9_]+)/i.exec(showCreateUser);
  if (via) return via[1]!.toLowerCase();
  if (/IDENTIFIED BY PASSWORD /i.test(showCreateUser)) return "mysql_native_password";
  return undefined;
}
