import { appendFileSync, closeSync, openSync } from "node:fs";
import { resolve } from "node:path";
import { fileDedupe } from "../../components/notify/dedupe.js";
import { cliHttps, notifyStatePath } from "../notify/cli-options.js";
import { awsConfigFromEnv, type AwsConfig } from "../../components/rotation/aws/clients.js";
import { topicArn } from "../../cloud/aws/naming.js";
import {
  rotationConfigFor,
  secretId,
  type SecretRotationConfig,
} from "../../components/rotation/config.js";
import { StoreUnavailable, type AuditSink } from "../../components/rotation/ports.js";
import type { RuntimeOptions } from "../../components/rotation/runtime.js";
import { isCrashPoint, type CrashPoint } from "../../components/rotation/engine.js";
import { NAME_PATTERN } from "../../program/documents.js";
import { validatePolicies } from "../../program/validate.js";
import type { TenantStore } from "../../program/store.js";
import { policyDirectory } from "../policy-directory.js";
import { EXIT, UsageError, type CliIO } from "../io.js";

/**
 * `rotate` and `rollback` found another run holding the claim on the secret and changed nothing:
 * try again later. 75 is EX_TEMPFAIL of sysexits.h ("a temporary failure; the user is invited to
 * retry"), so schedulers and scripts can tell it from a failure.
 */
export const EXIT_BUSY = EXIT.busy;

/** The store could not be used at all (its credentials missing or refused): the run could not start. */
export function storeUnavailable(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause)
    if (e instanceof StoreUnavailable) return true;
  return false;
}

/** What rotate, rollback and versions share: where audit lines go, and how loud to be. */
export interface OutputOptions {
  /** Print nothing but errors: no audit lines on the terminal, no result line. @default false */
  readonly quiet?: boolean;
  /** Append the audit lines to this file (created with mode 600) instead of the terminal. */
  readonly auditLog?: string;
}

/**
 * `<tenant>/<secret>` as the policies name it; `secretId` is the Secrets Manager name the Pulumi
 * program gives that secret (`vaultpilot/<tenant>/<secret>`, from cloud/aws/naming.ts).
 */
export function parseRef(ref: string): { tenant: string; name: string; secretId: string } {
  const [tenant = "", name = "", ...rest] = ref.split("/");
  if (rest.length > 0 || !NAME_PATTERN.test(tenant) || !NAME_PATTERN.test(name))
    throw new UsageError(`"${ref}" is not <tenant>/<secret>, such as acme/orders-db`);
  return { tenant, name, secretId: secretId(tenant, name) };
}

/** The secret's rotation settings from the policies; a one-line usage error when absent. */
export function loadSecretConfig(
  ref: { tenant: string; name: string },
  options: { policies: string; reload: boolean; alertTopic?: string },
  io: CliIO,
): SecretRotationConfig {
  return loadSecret(ref, options, io).config;
}

/** The secret's rotation settings and its tenant's store (spec.store) from the policies. */
export function loadSecret(
  ref: { tenant: string; name: string },
  options: { policies: string; reload: boolean; alertTopic?: string },
  io: CliIO,
): { config: SecretRotationConfig; store: TenantStore } {
  const result = validatePolicies(policyDirectory(io.cwd, options.policies));
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
    // A vault tenant's stack makes no RotationAlarms topic to default to.
    (tenant.store.type === "vault"
      ? undefined
      : topicArn({ tenant: tenant.name, account: tenant.aws.account, region: tenant.aws.region }));
  const config = rotationConfigFor(secret, alertTopicArn ? { alertTopicArn } : {});
  return { config: options.reload ? config : { ...config, reload: [] }, store: tenant.store };
}

export function cliAws(io: CliIO): AwsConfig {
  return awsConfigFromEnv(io.env);
}

/** Audit events as JSON lines on stderr: progress, not data. */
export function stderrAudit(io: CliIO): AuditSink {
  return (event) => io.stderr(`${JSON.stringify(event)}\n`);
}

/**
 * Where the audit lines go: `--audit-log FILE` (appended, one JSON line each), else stderr unless
 * `--quiet`. A file that cannot be opened is a one-line usage error before anything is changed.
 */
export function auditSink(io: CliIO, options: OutputOptions): AuditSink {
  if (options.auditLog) {
    const path = resolve(io.cwd, options.auditLog);
    try {
      closeSync(openSync(path, "a", 0o600));
    } catch (error) {
      throw new UsageError(
        `cannot write the audit log "${options.auditLog}": ${oneLine(error)}; give a writable file`,
      );
    }
    return (event) => appendFileSync(path, `${JSON.stringify(event)}\n`);
  }
  if (options.quiet) return () => undefined;
  return stderrAudit(io);
}

/**
 * Retry timing from the environment (tests and impatient operators shorten it); the claim's time
 * to live (VAULTPILOT_CLAIM_TTL_SECONDS); VAULTPILOT_TEST_CRASH_AT, for the crash tests only,
 * kills the process with SIGKILL at that crash point.
 */
export function cliRuntime(io: CliIO, audit: AuditSink = stderrAudit(io)): RuntimeOptions {
  const ttlSeconds = Number(io.env.VAULTPILOT_CLAIM_TTL_SECONDS);
  const crashPoint = io.env.VAULTPILOT_TEST_CRASH_AT;
  if (crashPoint !== undefined && !isCrashPoint(crashPoint))
    throw new UsageError(`VAULTPILOT_TEST_CRASH_AT="${crashPoint}" is not a crash point`);
  const attempts = Number(io.env.VAULTPILOT_RETRY_ATTEMPTS);
  const firstDelayMs = Number(io.env.VAULTPILOT_RETRY_DELAY_MS);
  return {
    aws: cliAws(io),
    audit,
    ...(io.env.VAULTPILOT_CLAIM_TTL_SECONDS &&
      Number.isFinite(ttlSeconds) &&
      ttlSeconds > 0 && { claimTtlMs: ttlSeconds * 1000 }),
    ...(crashPoint && {
      crashAt: (point: CrashPoint) => {
        if (point === crashPoint) process.kill(process.pid, "SIGKILL");
      },
    }),
    notify: {
      // A Secrets Manager secret remembers on its own tag; a secret of another store, here.
      storeDedupe: fileDedupe(notifyStatePath(io)),
      env: io.env,
      ...(cliHttps(io) && { https: cliHttps(io)! }),
      ...(io.env.VAULTPILOT_NOTIFY_RETRY_DELAY_MS &&
        Number.isFinite(Number(io.env.VAULTPILOT_NOTIFY_RETRY_DELAY_MS)) && {
          baseDelayMs: Number(io.env.VAULTPILOT_NOTIFY_RETRY_DELAY_MS),
        }),
    },
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
