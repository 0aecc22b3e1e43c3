import type { Secret, ServiceReload } from "../../program/model.js";
import type { DatabaseStrategy, SecretType } from "../../program/documents.js";

/**
 * What the rotation runtime needs to know about one secret, beyond its value: built from the
 * policy model by `rotationConfigFor`, and handed to the Lambda as JSON in the
 * VAULTPILOT_ROTATION environment variable (see `HandlerConfig`).
 */
export interface SecretRotationConfig {
  readonly tenant: string;
  /** The policy's secret name; the Secrets Manager secret is `<tenant>/<name>`. */
  readonly name: string;
  readonly type: SecretType;
  /** postgres and mysql only. @default "single" */
  readonly strategy?: DatabaseStrategy;
  /** postgres and mysql only: connect over TLS and verify the server. @default false */
  readonly tls?: boolean;
  /** postgres and mysql only: how long a login may take before the database counts as down. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** @default { length: 32, exclude: "" } */
  readonly password?: { readonly length: number; readonly exclude: string };
  /** webhook only: how long the previous signing secret stays valid. @default 24 */
  readonly overlapHours?: number;
  /** The consumers to reload after finishSecret, in order. @default [] */
  readonly reload?: readonly ReloadTarget[];
  /** SNS topic for critical alerts. @default - no alert is sent, only the audit event */
  readonly alertTopicArn?: string;
}

/** One consumer to reload: its service name, for audit events, and how. */
export type ReloadTarget = { readonly service: string } & ServiceReload;

/** The Lambda's configuration: every secret it rotates, by Secrets Manager name. */
export interface HandlerConfig {
  readonly secrets: Readonly<Record<string, SecretRotationConfig>>;
  readonly retry?: Partial<RetryPolicy>;
}

export interface RetryPolicy {
  /** @default 3 */
  readonly attempts: number;
  /** Milliseconds before the second attempt; it doubles for each later one. @default 2000 */
  readonly firstDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, firstDelayMs: 2000 };

/** The Secrets Manager name VaultPilot gives a policy secret. */
export function secretId(tenant: string, name: string): string {
  return `${tenant}/${name}`;
}

/** The runtime configuration of a model secret, for the Pulumi program and the CLI. */
export function rotationConfigFor(
  secret: Secret,
  options: { alertTopicArn?: string } = {},
): SecretRotationConfig {
  const reload: ReloadTarget[] = [];
  for (const consumer of secret.consumers) {
    if (consumer.reload) reload.push({ service: consumer.name, ...consumer.reload });
  }
  return {
    tenant: secret.tenant.name,
    name: secret.name,
    type: secret.type,
    ...(secret.connection && {
      strategy: secret.connection.strategy,
      tls: secret.connection.tls,
    }),
    ...(secret.password && { password: secret.password }),
    reload,
    ...(options.alertTopicArn && { alertTopicArn: options.alertTopicArn }),
  };
}

/** Reads VAULTPILOT_ROTATION; a one-line error names what is wrong, never a value. */
export function parseHandlerConfig(text: string | undefined): HandlerConfig {
  if (!text)
    throw new Error("VAULTPILOT_ROTATION is not set; the rotation function has no configuration");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("VAULTPILOT_ROTATION is not valid JSON");
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    typeof (parsed as HandlerConfig).secrets !== "object"
  ) {
    throw new Error('VAULTPILOT_ROTATION must be {"secrets": {"<tenant>/<name>": {...}}}');
  }
  return parsed as HandlerConfig;
}
