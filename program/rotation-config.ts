import { secretName } from "../cloud/aws/naming.js";
import { keyVaultUrl } from "./azure.js";
import type { DatabaseStrategy, SecretType } from "./documents.js";
import type { Secret, ServiceReload } from "./model.js";
import type { TenantNotifications } from "./notifications.js";

// The contract between the Pulumi program (components/aws/rotation-function.ts writes it into the
// function's package) and the rotation runtime (components/rotation reads it): plain data from
// the model, so neither side imports the other.

/**
 * What the rotation runtime needs to know about one secret, beyond its value: built from the
 * policy model by `rotationConfigFor`, and shipped to the Lambda as `rotation-config.json` inside
 * its deployment package (see `HandlerConfig`, `loadHandlerConfig`). Never a secret value.
 */
export interface SecretRotationConfig {
  readonly tenant: string;
  /** The policy's secret name; the Secrets Manager secret is `vaultpilot/<tenant>/<name>` (`secretId`). */
  readonly name: string;
  readonly type: SecretType;
  /** postgres and mysql only. @default "single" */
  readonly strategy?: DatabaseStrategy;
  /**
   * postgres and mysql only: connect over TLS and verify the server. The secret value's `ssl`
   * field can ask for TLS too; the stricter wins. @default false
   */
  readonly tls?: boolean;
  /**
   * postgres and mysql only: the policy's spec.connection (defaults applied), which rotation holds
   * the secret value to: a value naming another host, port, database or user is refused.
   * @default - not checked (a configuration written before it carried the connection)
   */
  readonly connection?: DatabaseConnection;
  /** postgres and mysql only: how long a login may take before the database counts as down. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** @default - the type's PASSWORD_DEFAULTS (program/password-defaults.ts) */
  readonly password?: { readonly length: number; readonly exclude: string };
  /** webhook only: how long the previous signing secret stays valid. @default 24 (WEBHOOK_OVERLAP_HOURS) */
  readonly overlapHours?: number;
  /** The consumers to reload after finishSecret, in order. @default [] */
  readonly reload?: readonly ReloadTarget[];
  /** SNS topic for critical alerts. @default - no alert is sent, only the audit event */
  readonly alertTopicArn?: string;
  /**
   * The tenant's spec.notifications routes (where their URLs and keys are kept, never the values).
   * When present they replace the plain SNS alert: an email route publishes to alertTopicArn.
   * @default - none: only the SNS alert
   */
  readonly notifications?: TenantNotifications;
  /** Copy each new version to the tenant's Azure Key Vault. @default - no copy */
  readonly azureKeyVault?: KeyVaultDeliveryConfig;
}

/** Where and how the rotation copies a secret into Azure Key Vault (spec.delivery.azureKeyVault). */
export interface KeyVaultDeliveryConfig {
  /** https://<vault>.vault.azure.net */
  readonly vaultUrl: string;
  /** The secret's name in the vault. */
  readonly secretName: string;
  readonly contentType: string;
  /** The Microsoft Entra tenant id the vault trusts. */
  readonly entraTenantId: string;
  /** A new version expires this many days after it is written: the schedule plus KEY_VAULT_GRACE_DAYS. */
  readonly expiresAfterDays: number;
  /** The previous version expires this many hours after the new one is written, and is disabled after. */
  readonly overlapHours: number;
  /**
   * The Secrets Manager secret holding `{"clientId","clientSecret"}` the Lambda signs in with
   * (stack setting vaultpilot:azureCredentialSecret). @default - the environment's credential
   * (AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, workload identity), as @azure/identity finds it
   */
  readonly credentialSecret?: string;
}

/** Days a Key Vault copy stays valid beyond its schedule, so a late rotation does not expire it. */
export const KEY_VAULT_GRACE_DAYS = 7;
/** Hours the previous Key Vault version stays enabled (webhooks: their own overlapHours). */
export const KEY_VAULT_OVERLAP_HOURS = 24;

/** Where a database secret logs in, as the policy's spec.connection gives it. */
export interface DatabaseConnection {
  readonly host: string;
  readonly port: number;
  /** @default - none (mysql); postgres defaults it to "postgres" in the model */
  readonly database?: string;
  /** With strategy alternating, the first of the two users; the second is `<username>_clone`. */
  readonly username: string;
}

/**
 * One consumer to reload: its service name, for audit events, and how. A Kubernetes consumer
 * carries its EKS `cluster` (spec.reload.kubernetes.cluster): the Lambda reaches the cluster by it.
 */
export type ReloadTarget = { readonly service: string } & ServiceReload & {
    /**
     * Kubernetes consumers that receive the secret through External Secrets: the ExternalSecret to
     * wait for before restarting (components/rotation/reload/kubernetes.ts). @default - none
     */
    readonly externalSecret?: ExternalSecretRef;
  };

/** An ExternalSecret of a tenant's namespace (spec.delivery.kubernetes with via external-secrets). */
export interface ExternalSecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** The Lambda's configuration: every secret it rotates, by Secrets Manager name (`secretId`). */
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

/** How long a webhook's previous signing secret stays valid after a rotation (no policy field sets it yet). */
export const WEBHOOK_OVERLAP_HOURS = 24;

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, firstDelayMs: 2000 };

/** The Secrets Manager name the Pulumi program gives a policy secret (cloud/aws/naming.ts). */
export function secretId(tenant: string, name: string): string {
  return secretName(tenant, name);
}

/** The file, next to the handler at the root of the deployment package, that holds `HandlerConfig`. */
export const CONFIG_FILE = "rotation-config.json";

/** The rotation function's configuration for the secrets it rotates, keyed by Secrets Manager name. */
export function handlerConfigFor(secrets: readonly SecretRotationConfig[]): HandlerConfig {
  return { secrets: Object.fromEntries(secrets.map((s) => [secretId(s.tenant, s.name), s])) };
}

/** The runtime configuration of a model secret, for the Pulumi program and the CLI. */
export function rotationConfigFor(
  secret: Secret,
  options: { alertTopicArn?: string; azureCredentialSecret?: string } = {},
): SecretRotationConfig {
  const reload: ReloadTarget[] = [];
  for (const consumer of secret.consumers) {
    if (!consumer.reload) continue;
    const externalSecret =
      consumer.reload.runtime === "kubernetes"
        ? externalSecretFor(secret, consumer.reload.kubernetes)
        : undefined;
    reload.push({
      service: consumer.name,
      ...consumer.reload,
      ...(externalSecret && { externalSecret }),
    });
  }
  return {
    tenant: secret.tenant.name,
    name: secret.name,
    type: secret.type,
    ...(secret.connection && {
      strategy: secret.connection.strategy,
      tls: secret.connection.tls,
      connection: {
        host: secret.connection.host,
        port: secret.connection.port,
        ...(secret.connection.database !== undefined && {
          database: secret.connection.database,
        }),
        username: secret.connection.username,
      },
    }),
    ...(secret.password && { password: secret.password }),
    reload,
    ...(options.alertTopicArn && { alertTopicArn: options.alertTopicArn }),
    ...(secret.tenant.notifications && { notifications: secret.tenant.notifications }),
    ...(secret.azureKeyVault &&
      secret.tenant.azure && {
        azureKeyVault: {
          vaultUrl: keyVaultUrl(secret.tenant.azure.keyVaultName),
          secretName: secret.azureKeyVault.name,
          contentType: secret.azureKeyVault.contentType,
          entraTenantId: secret.tenant.azure.tenantId,
          expiresAfterDays: secret.schedule.everyDays + KEY_VAULT_GRACE_DAYS,
          overlapHours: KEY_VAULT_OVERLAP_HOURS,
          ...(options.azureCredentialSecret && {
            credentialSecret: options.azureCredentialSecret,
          }),
        },
      }),
  };
}

/**
 * The ExternalSecret a Kubernetes consumer reads `secret` through: an External Secrets delivery
 * into the consumer's namespace (on the EKS cluster its reload block names, when it names one).
 */
function externalSecretFor(
  secret: Secret,
  target: { readonly namespace: string; readonly cluster?: string },
): ExternalSecretRef | undefined {
  const delivery = secret.kubernetesDelivery.find(
    (d) =>
      d.via === "external-secrets" &&
      d.cluster.namespace === target.namespace &&
      (target.cluster === undefined || d.cluster.eks.cluster === target.cluster),
  );
  return delivery && { namespace: delivery.cluster.namespace, name: delivery.secretName! };
}
