import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import type { SecretClientOptions } from "@azure/keyvault-secrets";
import { azureCredential } from "./azure/credential.js";
import { keyVaultWriter } from "./azure/key-vault-writer.js";
import { AwsClients, type AwsConfig } from "./aws/clients.js";
import { secretsManagerStore } from "./aws/secrets-store.js";
import { snsAlerts } from "./aws/sns-alerts.js";
import type { RetryPolicy, SecretRotationConfig } from "./config.js";
import { RotationEngine, type EngineDeps } from "./engine.js";
import type { Alerts, AuditEvent, AuditSink, ReplicaWriter, SecretStore } from "./ports.js";
import { reloaderFor, type KubernetesAccess } from "./reload/index.js";
import type { EksOptions } from "./reload/eks-options.js";
import type { WaitOptions } from "./reload/wait.js";
import { strategyFor } from "./strategies/index.js";
import { createNotifier, type NotifierOptions } from "../notify/notifier.js";
import { secretTagDedupe, type DedupeStore } from "../notify/dedupe.js";

export interface RuntimeOptions {
  readonly aws?: AwsConfig;
  readonly clients?: AwsClients;
  readonly audit?: AuditSink;
  readonly retry?: Partial<RetryPolicy>;
  readonly wait?: WaitOptions;
  /** How Kubernetes consumers are reached: the CLI's kubeconfig, or EKS (the Lambda). @default "kubeconfig" */
  readonly kubernetes?: KubernetesAccess;
  /** With kubernetes "kubeconfig". @default - the default kubeconfig */
  readonly kubeConfig?: KubeConfig;
  /** With kubernetes "eks". @default {} */
  readonly eks?: EksOptions;
  readonly crashAt?: EngineDeps["crashAt"];
  /** How long a run's claim on the secret lasts. @default 900000 (EngineDeps.claimTtlMs) */
  readonly claimTtlMs?: number;
  /** @default - a Key Vault writer when the secret is delivered to Azure (config.azureKeyVault), else none */
  readonly replicas?: ReplicaWriter;
  /** Where the secret lives. @default secretsManagerStore(clients) */
  readonly store?: SecretStore;
  /** How the tenant's notification routes are reached (config.notifications). */
  readonly notify?: {
    /** @default - a tag on the rotated secret (secretTagDedupe), shared by the function and the CLI */
    readonly dedupe?: DedupeStore;
    /** For a secret in another store (`store`), which has no tag. @default - no deduplication */
    readonly storeDedupe?: DedupeStore;
  } & Pick<NotifierOptions, "https" | "env" | "attempts" | "baseDelayMs">;
  /** Options for the Key Vault client (tests: the stand-in's CA). @default {} */
  readonly keyVaultClientOptions?: SecretClientOptions;
}

/** Audit events as JSON lines on stdout, where Lambda sends them to CloudWatch Logs. */
export const stdoutAudit: AuditSink = (event: AuditEvent) => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

/** The engine wired to AWS, the databases and the reloaders. */
export function createEngine(
  secretId: string,
  config: SecretRotationConfig,
  options: RuntimeOptions = {},
): RotationEngine {
  const clients = options.clients ?? new AwsClients(options.aws);
  let redact: (text: string) => string = (text) => text;
  const notifier =
    config.notifications &&
    createNotifier({
      notifications: config.notifications,
      clients,
      ...(config.alertTopicArn && { topicArn: config.alertTopicArn }),
      // Secrets Manager secrets remember on their own tag, so the function and the CLI share it.
      dedupe:
        options.notify?.dedupe ??
        (options.store ? options.notify?.storeDedupe : secretTagDedupe(clients, secretId)),
      ...(options.notify?.https && { https: options.notify.https }),
      ...(options.notify?.env && { env: options.notify.env }),
      ...(options.notify?.attempts !== undefined && { attempts: options.notify.attempts }),
      ...(options.notify?.baseDelayMs !== undefined && { baseDelayMs: options.notify.baseDelayMs }),
      redact: (text) => redact(text),
    });
  const audit = options.audit ?? stdoutAudit;
  const run = randomBytes(8).toString("hex");
  // The Key Vault writer alerts where the engine would: the tenant's routes, else the SNS topic.
  const replicaAlerts: Alerts | undefined = notifier
    ? {
        critical: async (subject, message) => {
          await notifier.notify({
            event: "rotation-failed",
            tenant: config.tenant,
            secret: config.name,
            run,
            title: subject,
            detail: message,
            next: `vaultpilot rotate ${config.tenant}/${config.name}`,
          });
        },
      }
    : config.alertTopicArn
      ? snsAlerts(clients, config.alertTopicArn)
      : undefined;
  const replicas =
    options.replicas ??
    azureReplicas(config, clients, { run, audit, alerts: replicaAlerts, options });
  const engine = new RotationEngine(secretId, config, {
    run,
    store: options.store ?? secretsManagerStore(clients),
    strategy: (type) => strategyFor(type, { aws: clients }),
    reloader: (runtime) =>
      reloaderFor(runtime, clients, {
        ...(options.wait && { wait: options.wait }),
        ...(options.kubernetes && { kubernetes: options.kubernetes }),
        ...(options.kubeConfig && { kubeConfig: options.kubeConfig }),
        ...(options.eks && { eks: options.eks }),
      }),
    // Notification routes replace the plain alert: an email route publishes to the same topic.
    ...(notifier
      ? { notifier }
      : config.alertTopicArn && { alerts: snsAlerts(clients, config.alertTopicArn) }),
    audit,
    ...(options.retry && { retry: options.retry }),
    ...(options.crashAt && { crashAt: options.crashAt }),
    ...(options.claimTtlMs !== undefined && { claimTtlMs: options.claimTtlMs }),
    ...(replicas && { replicas }),
  });
  redact = (text) => engine.redact(text);
  return engine;
}

/**
 * The Key Vault writer of a secret delivered to Azure. VAULTPILOT_AZURE_KEY_VAULT_URL replaces the
 * vault's URL (a stand-in in tests, a proxy); the secret's name and everything else stay.
 */
function azureReplicas(
  config: SecretRotationConfig,
  clients: AwsClients,
  context: { run: string; audit: AuditSink; alerts: Alerts | undefined; options: RuntimeOptions },
): ReplicaWriter | undefined {
  const delivery = config.azureKeyVault;
  if (!delivery) return undefined;
  const vaultUrl = process.env.VAULTPILOT_AZURE_KEY_VAULT_URL;
  return keyVaultWriter({
    tenant: config.tenant,
    secret: config.name,
    config: delivery,
    run: context.run,
    audit: context.audit,
    ...(context.alerts && { alerts: context.alerts }),
    ...(context.options.retry && { retry: context.options.retry }),
    ...(vaultUrl && { vaultUrl }),
    ...(context.options.keyVaultClientOptions && {
      clientOptions: context.options.keyVaultClientOptions,
    }),
    credential: () =>
      azureCredential(delivery, async (secretId) => {
        const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
        const found = await clients
          .secretsManager()
          .send(new GetSecretValueCommand({ SecretId: secretId }));
        return found.SecretString;
      }),
  });
}
