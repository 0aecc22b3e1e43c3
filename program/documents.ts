import commonSchema from "../schemas/common.schema.json" with { type: "json" };
import type { DocumentSource } from "./load/document-source.js";
import type { AzureKeyVaultDeliverySpec, ServiceAzureSpec, TenantAzureSpec } from "./azure.js";
import type { NotificationEvent, NotificationSeverity } from "../cloud/notification-routes.js";
import type { EntryPointSpec } from "./protection/spec.js";

// The shapes here mirror schemas/*.schema.json, and test/program/document-types.test.ts holds
// them to it field by field; a document reaches these types only after its schema accepted it.

export const API_VERSION = "vaultpilot.dev/v1";

/** A policy name (tenant, schedule, secret, service), from schemas/common.schema.json `$defs.name`. */
export const NAME_PATTERN = new RegExp(commonSchema.$defs.name.pattern);

/** The alternating strategy's second database user is `<username>` followed by this. */
export const CLONE_SUFFIX = "_clone";

export type Plan = "free" | "pro" | "business" | "enterprise";
export type Framework = "pci-dss" | "soc2" | "iso27001" | "hipaa";
/** Every secret type, in the schema's order (secret.schema.json spec.type). */
export const SECRET_TYPES = [
  "postgres",
  "mysql",
  "api-key",
  "webhook",
  "aws-iam-key",
  "generic",
] as const;
export type SecretType = (typeof SECRET_TYPES)[number];
export type Runtime = "ecs" | "lambda" | "kubernetes" | "ec2";

export interface TenantSpec {
  readonly plan: Plan;
  readonly compliance?: readonly Framework[];
  readonly aws: { readonly account: string; readonly region: string };
  readonly azure?: TenantAzureSpec;
  readonly backup?: BackupSpec;
  readonly disasterRecovery?: DisasterRecoverySpec;
  readonly kubernetes?: TenantKubernetesSpec;
  readonly notifications?: NotificationsSpec;
  readonly store?: StoreSpec;
  /** Public entry points with WAF and throttling (schemas/protection.defs.schema.json). */
  readonly entryPoints?: readonly EntryPointSpec[];
  /** Days the tenant's log groups keep events. */
  readonly logRetention?: number;
}

/** schemas/backup.defs.schema.json `$defs.backup`. */
export interface BackupSpec {
  readonly daily?: BackupRuleSpec;
  readonly weekly?: BackupRuleSpec;
  readonly selection?: { readonly tags: Readonly<Record<string, string>> };
  readonly vaultLock?: VaultLockSpec;
  readonly copyToDisasterRecovery?: boolean;
}

export interface BackupRuleSpec {
  readonly retentionDays?: number;
  readonly moveToColdStorageAfterDays?: number;
}

export interface VaultLockSpec {
  readonly minRetentionDays?: number;
  readonly maxRetentionDays?: number;
  readonly changeableForDays?: number;
}

export interface DisasterRecoverySpec {
  readonly region: string;
}

/** spec.notifications (schemas/notifications.defs.schema.json). */
export interface NotificationsSpec {
  readonly dedupeWindow?: string;
  readonly routes: readonly NotificationRouteSpec[];
}

export interface NotificationRouteSpec {
  readonly name: string;
  readonly email?: Readonly<Record<never, never>>;
  readonly slack?: { readonly url: SecretSourceSpec };
  readonly webhook?: { readonly url: SecretSourceSpec; readonly signingKey: SecretSourceSpec };
  readonly events?: readonly NotificationEvent[];
  readonly minSeverity?: NotificationSeverity;
}

export interface SecretSourceSpec {
  readonly secretsManager?: string;
  readonly stackConfig?: string;
}

/** Exactly one of the two (the schema's maxProperties: 1). */
export interface CredentialSourceSpec {
  readonly env?: string;
  readonly file?: string;
}

/** spec.store as written (schemas/store.defs.schema.json); program/store.ts applies defaults. */
export interface StoreSpec {
  readonly type: "aws-secrets-manager" | "vault";
  readonly address?: string;
  readonly mount?: string;
  readonly pathPrefix?: string;
  readonly namespace?: string;
  readonly auth?: {
    readonly method: "approle" | "jwt" | "kubernetes" | "token";
    readonly mount?: string;
    readonly roleId?: string;
    readonly secretId?: CredentialSourceSpec;
    readonly role?: string;
    readonly token?: CredentialSourceSpec;
  };
}

export interface RotationScheduleSpec {
  readonly every: string;
  readonly window?: { readonly start: string; readonly duration: string };
}

export interface SecretSpec {
  readonly type: SecretType;
  readonly schedule: string;
  readonly consumers?: readonly string[];
  readonly connection?: ConnectionSpec;
  readonly password?: PasswordPolicySpec;
  readonly delivery?: DeliverySpec;
}

/** Where else a secret is delivered. */
export interface DeliverySpec {
  readonly azureKeyVault?: AzureKeyVaultDeliverySpec;
  readonly kubernetes?: readonly KubernetesDeliverySpec[];
}

export type DatabaseStrategy = "single" | "alternating";

export interface ConnectionSpec {
  readonly host: string;
  readonly port?: number;
  readonly database?: string;
  readonly username: string;
  /** A Secret name of the same tenant. */
  readonly masterSecret?: string;
  readonly strategy?: DatabaseStrategy;
  readonly tls?: boolean;
}

export interface PasswordPolicySpec {
  readonly length?: number;
  readonly exclude?: string;
}

export interface ServiceSpec {
  readonly runtime: Runtime;
  readonly kubernetes?: ServiceKubernetesSpec;
  readonly reload?: ReloadSpec;
  readonly azure?: ServiceAzureSpec;
}

/** Exactly one block, normally the one named by the service's runtime. */
export interface ReloadSpec {
  readonly ecs?: EcsReload;
  readonly lambda?: LambdaReload;
  readonly kubernetes?: KubernetesReload;
  readonly ec2?: Ec2Reload;
}

export interface EcsReload {
  readonly cluster: string;
  readonly service: string;
}

export interface LambdaReload {
  readonly function: string;
  readonly healthCheck?: boolean;
}

export interface KubernetesReload {
  readonly namespace: string;
  readonly deployment: string;
  /**
   * The EKS cluster's name: the rotation Lambda reaches the cluster through it (DescribeCluster and
   * an IAM token), and the program grants the Lambda's role access to it. `vaultpilot rotate` uses
   * the kubeconfig's current context instead. @default - the Lambda cannot reload this consumer
   */
  readonly cluster?: string;
}

export interface Ec2Reload {
  readonly instanceTags: Readonly<Record<string, string>>;
  readonly document: string;
  readonly parameters?: Readonly<Record<string, readonly string[]>>;
}

/** schemas/kubernetes.defs.schema.json `tenantKubernetes`. */
export interface TenantKubernetesSpec {
  readonly clusters: readonly KubernetesClusterSpec[];
}

export interface KubernetesClusterSpec {
  readonly name: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly eks: { readonly cluster: string; readonly oidcIssuer: string };
}

export type KubernetesDeliveryVia = "external-secrets" | "csi";

export interface KubernetesDeliverySpec {
  readonly cluster: string;
  readonly via?: KubernetesDeliveryVia;
  readonly secretName?: string;
  readonly keys?: Readonly<Record<string, string>>;
  readonly refreshInterval?: string;
}

export interface ServiceKubernetesSpec {
  readonly serviceAccount?: string;
}

interface Document<Kind extends string, Spec> {
  readonly kind: Kind;
  readonly name: string;
  readonly spec: Spec;
  readonly source: DocumentSource;
}

export type TenantDocument = Document<"Tenant", TenantSpec>;
export type RotationScheduleDocument = Document<"RotationSchedule", RotationScheduleSpec>;
export type SecretDocument = Document<"Secret", SecretSpec> & { readonly tenant: string };
export type ServiceDocument = Document<"Service", ServiceSpec> & { readonly tenant: string };

export type PolicyDocument =
  TenantDocument | RotationScheduleDocument | SecretDocument | ServiceDocument;

export type Kind = PolicyDocument["kind"];
export const KINDS: readonly Kind[] = ["Tenant", "RotationSchedule", "Secret", "Service"];

/** The schema-valid documents of a policy directory, by kind, in file order. */
export interface PolicySet {
  readonly tenants: readonly TenantDocument[];
  readonly schedules: readonly RotationScheduleDocument[];
  readonly secrets: readonly SecretDocument[];
  readonly services: readonly ServiceDocument[];
}
