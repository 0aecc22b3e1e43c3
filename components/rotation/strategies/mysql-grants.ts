/**
 * Grants as `SHOW GRANTS FOR` lists them, per object, so two accounts' privileges can be made
 * equal: what one lacks is granted, what it has beyond the other is revoked.
 */
export interface AccountGrants {
  /** Object (`*.*`, `` `app`.* ``, `` `app`.`t` ``, `PROCEDURE …`) → privileges, plus "GRANT OPTION". */
  readonly objects: Map<string, Set<string>>;
  /** Roles granted to the account (MariaDB, MySQL 8), with " WITH ADMIN OPTION" when so. */
  readonly roles: Set<string>;
}

/** `` `name`@`host` `` as SHOW GRANTS writes an account. */
export function quotedAccount(user: string, host: string): string {
  return `\`${user.replace(/`/g, "``")}\`@\`${host.replace(/`/g, "``")}\``;
}

/** Splits "SELECT (`a`, `b`), INSERT" at the commas outside parentheses. */
function privileges(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let token = "";
  for (const ch of list) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(token.trim());
      token = "";
    } else token += ch;
  }
  if (token.trim()) out.push(token.trim());
  return out;
}

/** Reads SHOW GRANTS lines of `account` (`quotedAccount`); lines for other accounts are ignored. */
export function parseGrants(lines: readonly string[], account: string): AccountGrants {
  const objects = new Map<string, Set<string>>();
  const roles = new Set<string>();
  for (const line of lines) {
    const to = line.indexOf(` TO ${account}`);
    if (!line.startsWith("GRANT ") || to < 0) continue;
    const head = line.slice("GRANT ".length, to);
    const tail = line.slice(to + ` TO ${account}`.length);
    const on = head.indexOf(" ON ");
    if (on < 0) {
      for (const role of privileges(head))
        roles.add(/WITH ADMIN OPTION/i.test(tail) ? `${role} WITH ADMIN OPTION` : role);
      continue;
    }
    const object = head.slice(on + " ON ".length);
    const set = objects.get(object) ?? new Set<string>();
    for (const privilege of privileges(head.slice(0, on)))
      if (privilege.toUpperCase() !== "USAGE") set.add(privilege);
    if (/WITH GRANT OPTION/i.test(tail)) set.add("GRANT OPTION");
    objects.set(object, set);
  }
  return { objects, roles };
}

/**
 * The statements that make `target`'s grants equal to `reference`'s: revokes first (what the
 * reference lacks), then grants (what the target lacks). `account` is the target, quoted.
 */
export function equalise(
  reference: AccountGrants,
  target: AccountGrants,
  account: string,
): string[] {
  const statements: string[] = [];
  for (const [object, has] of target.objects) {
    const wanted = reference.objects.get(object) ?? new Set<string>();
    const extra = [...has].filter((p) => !wanted.has(p));
    const plain = extra.filter((p) => p !== "GRANT OPTION");
    if (plain.length) statements.push(`REVOKE ${plain.join(", ")} ON ${object} FROM ${account}`);
    if (extra.includes("GRANT OPTION"))
      statements.push(`REVOKE GRANT OPTION ON ${object} FROM ${account}`);
  }
  for (const role of target.roles) {
    if (!reference.roles.has(role))
      statements.push(`REVOKE ${role.replace(/ WITH ADMIN OPTION$/, "")} FROM ${account}`);
  }
  for (const [object, wanted] of reference.objects) {
    const has = target.objects.get(object) ?? new Set<string>();
    const missing = [...wanted].filter((p) => !has.has(p));
    const plain = missing.filter((p) => p !== "GRANT OPTION");
    const option = missing.includes("GRANT OPTION");
    if (plain.length)
      statements.push(
        `GRANT ${plain.join(", ")} ON ${object} TO ${account}${option ? " WITH GRANT OPTION" : ""}`,
      );
    else if (option) statements.push(`GRANT USAGE ON ${object} TO ${account} WITH GRANT OPTION`);
  }
  for (const role of reference.roles) {
    if (!target.roles.has(role)) {
      const [name, admin] = role.endsWith(" WITH ADMIN OPTION")
        ? [role.slice(0, -" WITH ADMIN OPTION".length), " WITH ADMIN OPTION"]
        : [role, ""];
      statements.push(`GRANT ${name} TO ${account}${admin}`);
    }
  }
  return statements;
}
