/**
 * Fields of a CloudTrail event (or a rotation log line) that can carry a secret's value, masked in
 * every output: Secrets Manager's `SecretString`/`SecretBinary` (CreateSecret, PutSecretValue,
 * UpdateSecret), KMS's `Plaintext` (Encrypt, GenerateDataKey), IAM's `SecretAccessKey`
 * (CreateAccessKey), STS's `SessionToken`, and database passwords. Names match case-insensitively
 * at any depth, since older events spell them differently (`secretString`, `SecretString`).
 * The stack's `vaultpilot:auditMaskFields` and `--mask` add more.
 */
export const DEFAULT_MASKED_FIELDS = [
  "SecretString",
  "SecretBinary",
  "Plaintext",
  "SecretAccessKey",
  "SessionToken",
  "Password",
  "MasterUserPassword",
] as const;

/** What a masked value becomes. */
export const MASK = "[masked]";

export type MaskFields = ReadonlySet<string>;

export function maskFields(extra: readonly string[] = []): MaskFields {
  return new Set([...DEFAULT_MASKED_FIELDS, ...extra].map((f) => f.toLowerCase()));
}

/** A copy of `value` with every masked field's value (anything but null) replaced by `[masked]`. */
export function maskValue(value: unknown, fields: MaskFields): unknown {
  if (Array.isArray(value)) return value.map((v) => maskValue(v, fields));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = fields.has(key.toLowerCase()) && v !== null ? MASK : maskValue(v, fields);
  }
  return out;
}
