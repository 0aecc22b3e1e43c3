import type { KubeConfig } from "@kubernetes/client-node";
import { AwsClients, type AwsConfig } from "./aws/clients.js";
import { secretsManagerStore } from "./aws/secrets-store.js";
import { snsAlerts } from "./aws/sns-alerts.js";
import type { RetryPolicy, SecretRotationConfig } from "./config.js";
import { RotationEngine, type EngineDeps } from "./engine.js";
import type { AuditEvent, AuditSink, ReplicaWriter } from "./ports.js";
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
  /** @default noReplicas */
  readonly replicas?: ReplicaWriter;
  /** How the tenant's notification routes are reached (config.notifications). */
  readonly notify?: {
    /** @default - a tag on the rotated secret (secretTagDedupe): the Lambda keeps no disk */
    readonly dedupe?: DedupeStore;
  } & Pick<NotifierOptions, "https" | "env" | "attempts" | "baseDelayMs">;
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
      dedupe: options.notify?.dedupe ?? secretTagDedupe(clients, secretId),
      ...(options.notify?.https && { https: options.notify.https }),
      ...(options.notify?.env && { env: options.notify.env }),
      ...(options.notify?.attempts !== undefined && { attempts: options.notify.attempts }),
      ...(options.notify?.baseDelayMs !== undefined && { baseDelayMs: options.notify.baseDelayMs }),
      redact: (text) => redact(text),
    });
  const engine = new RotationEngine(secretId, config, {
    store: secretsManagerStore(clients),
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
    audit: options.audit ?? stdoutAudit,
    ...(options.retry && { retry: options.retry }),
    ...(options.crashAt && { crashAt: options.crashAt }),
    ...(options.claimTtlMs !== undefined && { claimTtlMs: options.claimTtlMs }),
    ...(options.replicas && { replicas: options.replicas }),
  });
  redact = (text) => engine.redact(text);
  return engine;
}
