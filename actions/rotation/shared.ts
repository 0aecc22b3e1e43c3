import { resolve } from "node:path";
import { awsConfigFromEnv, type AwsConfig } from "../../components/rotation/aws/clients.js";
import { topicArn } from "../../components/aws/naming.js";
import {
  rotationConfigFor,
  secretId,
  type SecretRotationConfig,
} from "../../components/rotation/config.js";
import type { AuditSink } from "../../components/rotation/ports.js";
import type { RuntimeOptions } from "../../components/rotation/runtime.js";
import { validatePolicies } from "../../program/validate.js";
import { UsageError, type CliIO } from "../io.js";

/**
 * `<tenant>/<secret>` as the policies name it; `secretId` is the Secrets Manager name the Pulumi
 * program gives that secret (`vaultpilot/<tenant>/<secret>`, from components/aws/naming.ts).
 */
export function parseRef(ref: string): { tenant: string; name: string; secretId: string } {
  const match = /^([a-z][a-z0-9-]{1,30}[a-z0-9])\/([a-z][a-z0-9-]{1,30}[a-z0-9])$/.exec(ref);
  if (!match) throw new UsageError(`"${ref}" is not <tenant>/<secret>, such as acme/orders-db`);
  const tenant = match[1]!;
  const name = match[2]!;
  return { tenant, name, secretId: secretId(tenant, name) };
}

/** The secret's rotation settings from the policies; a one-line usage error when absent. */
export function loadSecretConfig(
  ref: { tenant: string; name: string },
  options: { policies: string; reload: boolean; alertTopic?: string },
  io: CliIO,
): SecretRotationConfig {
  const result = validatePolicies(resolve(io.cwd, options.policies));
  if (!result.model) {
    throw new UsageError(
      `the policies in ${options.policies} do not validate; run vaultpilot validate ${options.policies}`,
    );
  }
  const tenant = result.model.tenants.find((t) => t.name === ref.tenant);
  if (!tenant) throw new UsageError(`no tenant "${ref.tenant}" in ${options.policies}`);
  const secret = tenant.secrets.find((s) => s.name === ref.name);
  if (!secret)
    throw new UsageError(`no secret "${ref.name}" in tenant "${ref.tenant}" (${options.policies})`);
  const alertTopicArn =
    options.alertTopic ??
    io.env.VAULTPILOT_ALERT_TOPIC_ARN ??
    topicArn({ tenant: tenant.name, account: tenant.aws.account, region: tenant.aws.region });
  const config = rotationConfigFor(secret, { alertTopicArn });
  return options.reload ? config : { ...config, reload: [] };
}

export function cliAws(io: CliIO): AwsConfig {
  return awsConfigFromEnv(io.env);
}

/** Audit events as JSON lines on stderr: progress, not data. */
export function stderrAudit(io: CliIO): AuditSink {
  return (event) => io.stderr(`${JSON.stringify(event)}\n`);
}

/** Retry timing from the environment (tests and impatient operators shorten it). */
export function cliRuntime(io: CliIO): RuntimeOptions {
  const attempts = Number(io.env.VAULTPILOT_RETRY_ATTEMPTS);
  const firstDelayMs = Number(io.env.VAULTPILOT_RETRY_DELAY_MS);
  return {
    aws: cliAws(io),
    audit: stderrAudit(io),
    retry: {
      ...(Number.isInteger(attempts) && attempts > 0 && { attempts }),
      ...(Number.isFinite(firstDelayMs) &&
        firstDelayMs >= 0 &&
        io.env.VAULTPILOT_RETRY_DELAY_MS && { firstDelayMs }),
    },
  };
}

/** One line for any failure; AWS SDK errors carry their name. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? "";
}
