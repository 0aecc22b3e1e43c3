import type { SecretRotationConfig } from "./config.js";

/** A secret's value, parsed from its JSON SecretString. */
export type SecretValue = Readonly<Record<string, unknown>>;

/** What a strategy may use besides the values it is given. */
export interface StrategyContext {
  readonly config: SecretRotationConfig;
  /** A new password under the secret's policy, drawn by the store. */
  password(): Promise<string>;
  /** The current value of the secret `masterarn` names (alternating database users). */
  master(arn: string): Promise<SecretValue>;
}

export interface RotationValues {
  readonly current: SecretValue;
  readonly pending: SecretValue;
  readonly previous?: SecretValue;
}

/** One per secret type, in strategies/<type>.ts. */
export interface Strategy {
  /** The pending value, from the current one. */
  create(current: SecretValue, context: StrategyContext): Promise<SecretValue>;
  /** Makes the backend accept the pending value; safe to run again. */
  set(values: RotationValues, context: StrategyContext): Promise<void>;
  /** Fails unless the pending value works. */
  test(pending: SecretValue, context: StrategyContext): Promise<void>;
  /** After the new version became current: retire what only the old value used (an old IAM key). */
  retire?(old: SecretValue, current: SecretValue, context: StrategyContext): Promise<void>;
  /**
   * Rollback: make the backend accept `restore` again after `failed` may have been set.
   * `changed` false: `failed` was never confirmed set, so an unreachable backend is unchanged.
   */
  revert?(
    values: { restore: SecretValue; failed: SecretValue; changed: boolean },
    context: StrategyContext,
  ): Promise<void>;
}

/** The strings of a value that must never be printed: every field but the plainly public ones. */
export function sensitiveStrings(value: SecretValue | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (PUBLIC_FIELDS.has(key)) continue;
    if (typeof field === "string" && field.length >= 4) out.push(field);
  }
  return out;
}

const PUBLIC_FIELDS = new Set([
  "engine",
  "host",
  "port",
  "username",
  "dbname",
  "masterarn",
  "userName",
  "accessKeyId",
  "previousValidUntil",
  "rotatedAt",
]);
