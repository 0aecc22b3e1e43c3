import type { PasswordPolicy } from "./model.js";
import type { SecretType } from "./documents.js";

/**
 * Characters a generated value leaves out by default wherever it is likely to be pasted into a
 * connection URL, a config file or a shell: RFC 3986's gen-delims and `%` `&` `+` (a URL's
 * user-info and query), quotes, backquote, backslash and `$` (quoted strings, `.env` files and
 * shells) and `;` (JDBC and ODBC `key=value;` strings). AWS's rotation templates exclude
 * `/@"'\` by default; this is a superset. Spaces are never drawn: GetRandomPassword's
 * `IncludeSpace` defaults to false and VaultPilot does not set it.
 */
export const URL_AND_CONFIG_UNSAFE = ":/?#[]@%&+\"'`\\$;";

/** The secret types whose values VaultPilot draws (aws-iam-key keys are made by IAM). */
export type DrawnSecretType = Exclude<SecretType, "aws-iam-key">;

/**
 * The password policy of each type when the policy's spec.password leaves a field out: the one
 * place these defaults are written (the model, the rotation runtime and the README's "Password
 * defaults" table, which a test holds to this, all read it). `generic` excludes nothing: it is
 * for systems VaultPilot knows nothing about, whose policy says what they cannot take.
 */
export const PASSWORD_DEFAULTS: Readonly<Record<DrawnSecretType, PasswordPolicy>> = {
  postgres: { length: 32, exclude: URL_AND_CONFIG_UNSAFE },
  mysql: { length: 32, exclude: URL_AND_CONFIG_UNSAFE },
  "api-key": { length: 32, exclude: URL_AND_CONFIG_UNSAFE },
  webhook: { length: 32, exclude: URL_AND_CONFIG_UNSAFE },
  generic: { length: 32, exclude: "" },
};

/**
 * The policy a secret's values are drawn under: each field the policy gives (an `exclude: ""`
 * too, which excludes nothing), else the type's default. undefined for aws-iam-key.
 */
export function passwordPolicyFor(
  type: SecretType,
  given: { readonly length?: number; readonly exclude?: string } = {},
): PasswordPolicy | undefined {
  if (type === "aws-iam-key") return undefined;
  const defaults = PASSWORD_DEFAULTS[type];
  return { length: given.length ?? defaults.length, exclude: given.exclude ?? defaults.exclude };
}
