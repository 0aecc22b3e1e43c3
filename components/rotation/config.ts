import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, type HandlerConfig } from "../../program/rotation-config.js";

export {
  CONFIG_FILE,
  DEFAULT_RETRY,
  handlerConfigFor,
  rotationConfigFor,
  secretId,
  type DatabaseConnection,
  type HandlerConfig,
  type KeyVaultDeliveryConfig,
  type ReloadTarget,
  type RetryPolicy,
  type SecretRotationConfig,
} from "../../program/rotation-config.js";

/**
 * The configuration the deployed function finds beside its code (`$LAMBDA_TASK_ROOT/rotation-config.json`,
 * written by the RotationFunction component: a business tenant's 100 secrets do not fit Lambda's
 * 4 KB of environment); without that file, the VAULTPILOT_ROTATION variable (tests, other packagings).
 */
export function loadHandlerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): HandlerConfig {
  const root = env.LAMBDA_TASK_ROOT;
  const file = root ? join(root, CONFIG_FILE) : undefined;
  if (file && existsSync(file)) return parseHandlerConfig(readFileSync(file, "utf8"), CONFIG_FILE);
  return parseHandlerConfig(env.VAULTPILOT_ROTATION);
}

/** Reads the configuration from `source`; a one-line error names what is wrong, never a value. */
export function parseHandlerConfig(
  text: string | undefined,
  source = "VAULTPILOT_ROTATION",
): HandlerConfig {
  if (!text)
    throw new Error(
      `neither ${CONFIG_FILE} nor VAULTPILOT_ROTATION is set; the rotation function has no configuration`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not valid JSON`);
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    typeof (parsed as HandlerConfig).secrets !== "object"
  ) {
    throw new Error(`${source} must be {"secrets": {"vaultpilot/<tenant>/<name>": {...}}}`);
  }
  return parsed as HandlerConfig;
}
