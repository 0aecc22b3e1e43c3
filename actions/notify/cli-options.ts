import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { join, resolve } from "node:path";
import { rootCertificates } from "node:tls";
import type { HttpsOptions } from "../../components/notify/https.js";
import type { CliIO } from "../io.js";

/**
 * What the CLI's notifications remember for deduplication: `.vaultpilot/notifications.json` under
 * the working directory (VAULTPILOT_NOTIFY_STATE overrides), so reruns from one checkout or CI
 * cache share it.
 */
export function notifyStatePath(io: CliIO): string {
  return resolve(
    io.cwd,
    io.env.VAULTPILOT_NOTIFY_STATE ?? join(".vaultpilot", "notifications.json"),
  );
}

/**
 * The CA bundle the io's NODE_EXTRA_CA_CERTS names, added to Node's own: the same trust a CLI
 * process started with that variable has, also when the CLI runs in-process (the action, tests).
 */
export function cliHttps(io: CliIO): HttpsOptions | undefined {
  const file = io.env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  try {
    const extra = readFileSync(resolve(io.cwd, file), "utf8");
    return { agent: new Agent({ ca: [...rootCertificates, extra] }) };
  } catch {
    return undefined;
  }
}
