import type { AzureKeyVaultDelivery, ServiceAzure, TenantAzure } from "./azure.js";
import type { Position } from "./diagnostics.js";
import type {
  DatabaseStrategy,
  Ec2Reload,
  EcsReload,
  Framework,
  KubernetesReload,
  LambdaReload,
  Plan,
  Runtime,
  SecretType,
} from "./documents.js";
import type { ValuePath } from "./load/document-source.js";
import type { KubernetesCluster, KubernetesDelivery } from "./kubernetes.js";
import type { PlanLimits } from "./plans.js";
import type { TenantBackupPolicy } from "./backup.js";
import type { TenantNotifications } from "./notifications.js";
import type { TenantStore } from "./store.js";
import type { EntryPoint } from "./protection/model.js";

/**
 * The typed model every later part reads (the Pulumi program, plan, drift, reports):
 * references resolved to objects, durations to numbers. Built only from policies that
 * validated without errors, so every reference here resolves.
 */
export interface PolicyModel {
  /** In file order. */
  readonly tenants: readonly Tenant[];
  readonly schedules: readonly RotationSchedule[];
}

/** Where an entity was declared, for messages that point back at the policy files. */
export interface SourceRef {
  /** Relative to the policy directory. */
  readonly file: string;
  at(path?: ValuePath, part?: "key" | "value"): Position;
}

export interface Tenant {
  readonly name: string;
  readonly plan: Plan;
  readonly limits: PlanLimits;
  readonly compliance: readonly Framework[];
  readonly aws: { readonly account: string; readonly region: string };
  /** AWS Backup for the tenant, defaults applied (program/backup.ts); absent without spec.backup. */
  readonly backup?: TenantBackupPolicy;
  /** The tenant's second region: a replica of its key and of every secret, and backup copies. */
  readonly disasterRecovery?: { readonly region: string };
  /** spec.store with defaults applied (program/store.ts). @default {type: "aws-secrets-manager"} */
  readonly store: TenantStore;
  readonly secrets: readonly Secret[];
  readonly services: readonly Service[];
  /** spec.kubernetes.clusters, defaults applied; empty when none. */
  readonly kubernetes: readonly KubernetesCluster[];
  /** Summed over the tenant's secrets: 30 / days between rotations. */
  readonly rotationsPerMonth: number;
  /** Its Azure home (spec.azure); absent when it has none. */
  readonly azure?: TenantAzure;
  /** spec.notifications, defaults applied (program/notifications.ts). */
  readonly notifications?: TenantNotifications;
  /** Public entry points with WAF and throttling (program/protection/model.ts). */
  readonly entryPoints: readonly EntryPoint[];
  /** Days its log groups keep events; undefined: the stack's vaultpilot:logRetentionDays. */
  readonly logRetentionDays?: number;
  readonly source: SourceRef;
}

export interface RotationSchedule {
  readonly name: string;
  readonly everyDays: number;
  readonly window?: RotationWindow;
  readonly source: SourceRef;
}

export interface RotationWindow {
  /** "HH:MM", UTC. */
  readonly start: string;
  readonly startMinutes: number;
  readonly durationHours: number;
}

export interface Secret {
  readonly name: string;
  readonly tenant: Tenant;
  readonly type: SecretType;
  readonly schedule: RotationSchedule;
  readonly consumers: readonly Service[];
  /** postgres and mysql secrets: the database the rotation changes the password in. */
  readonly connection?: SecretConnection;
  /** How generated values are drawn, defaults applied. Absent for aws-iam-key. */
  readonly password?: PasswordPolicy;
  /** Its copy in the tenant's Azure Key Vault (spec.delivery.azureKeyVault). */
  readonly azureKeyVault?: AzureKeyVaultDelivery;
  /** spec.delivery.kubernetes, defaults applied; empty when not delivered to Kubernetes. */
  readonly kubernetesDelivery: readonly KubernetesDelivery[];
  readonly source: SourceRef;
}

export interface SecretConnection {
  readonly host: string;
  /** Defaulted: 5432 for postgres, 3306 for mysql. */
  readonly port: number;
  /** Defaulted to "postgres" for postgres; absent for mysql when not given. */
  readonly database?: string;
  readonly username: string;
  readonly strategy: DatabaseStrategy;
  readonly tls: boolean;
  /** The administrator secret (same tenant and type), required by alternating. */
  readonly masterSecret?: Secret;
}

export interface PasswordPolicy {
  readonly length: number;
  /** Characters never drawn; "" when none. */
  readonly exclude: string;
}

export interface Service {
  readonly name: string;
  readonly tenant: Tenant;
  readonly runtime: Runtime;
  /** The secrets that name this service as a consumer. */
  readonly consumes: readonly Secret[];
  /** How to reload it after a rotation; absent when the policy gives no reload block. */
  readonly reload?: ServiceReload;
  /** Its Microsoft Entra identity (spec.azure). */
  readonly azure?: ServiceAzure;
  /** Runtime kubernetes: its ServiceAccount (spec.kubernetes.serviceAccount, else its name). */
  readonly serviceAccount?: string;
  readonly source: SourceRef;
}

/** One of these, as the policy's spec.reload gives it. */
export type ServiceReload =
  | { readonly runtime: "ecs"; readonly ecs: EcsReload }
  | { readonly runtime: "lambda"; readonly lambda: LambdaReload }
  | { readonly runtime: "kubernetes"; readonly kubernetes: KubernetesReload }
  | { readonly runtime: "ec2"; readonly ec2: Ec2Reload };
