import type {
  KubernetesClusterSpec,
  KubernetesDeliverySpec,
  KubernetesDeliveryVia,
  SecretType,
  ServiceDocument,
} from "./documents.js";

// Kubernetes delivery in the model: clusters a tenant declares, the deliveries of a secret into
// them, with every default applied here so the rules, the program and the plan agree on them.

/** A DNS-1123 label (Kubernetes namespaces): RFC 1123 §2.1 host-name label rules, lower case, 63 chars. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** External Secrets Operator's default refreshInterval (its ExternalSecret CRD's default, "1h"). */
export const DEFAULT_REFRESH_INTERVAL = "1h";

/**
 * The JSON fields of a postgres or mysql secret value: AWS's rotation templates' structure
 * ("JSON structure of database credentials secrets", Secrets Manager user guide), which the
 * rotation strategies read and write (components/rotation/strategies/sql.ts).
 */
export const DATABASE_FIELDS = ["username", "password", "host", "port", "dbname"] as const;

export interface KubernetesCluster {
  readonly name: string;
  /** The kubeconfig context the program deploys with: the policy's `context`, else `name`. */
  readonly context: string;
  /** The tenant's namespace on the cluster: the policy's, else the tenant's name. */
  readonly namespace: string;
  readonly eks: { readonly cluster: string; readonly oidcIssuer: string };
}

export interface KubernetesDelivery {
  readonly cluster: KubernetesCluster;
  readonly via: KubernetesDeliveryVia;
  /** The Kubernetes Secret's name; with csi, absent when no Kubernetes Secret is wanted. */
  readonly secretName?: string;
  /** Kubernetes key (or mounted file) → JSON field of the value; empty: the value's own fields. */
  readonly keys: Readonly<Record<string, string>>;
  /** As written (Go duration syntax ESO reads), defaulted. */
  readonly refreshInterval: string;
  readonly refreshSeconds: number;
}

export function toCluster(spec: KubernetesClusterSpec, tenant: string): KubernetesCluster {
  return {
    name: spec.name,
    context: spec.context ?? spec.name,
    namespace: spec.namespace ?? tenant,
    eks: { ...spec.eks },
  };
}

/** Seconds in a refresh interval such as "15m"; undefined when it is not one. */
export function parseRefreshSeconds(text: string): number | undefined {
  const match = /^([1-9][0-9]*)(s|m|h)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
}

/** The keys a delivery maps when the policy gives none: a database secret's fields, else none. */
export function defaultKeys(type: SecretType): Record<string, string> {
  return type === "postgres" || type === "mysql"
    ? Object.fromEntries(DATABASE_FIELDS.map((field) => [field, field]))
    : {};
}

/** One delivery with its defaults, or undefined when its cluster is not declared (a rule reports it). */
export function toDelivery(
  spec: KubernetesDeliverySpec,
  secret: { readonly name: string; readonly type: SecretType },
  clusters: readonly KubernetesCluster[],
): KubernetesDelivery | undefined {
  const cluster = clusters.find((c) => c.name === spec.cluster);
  if (!cluster) return undefined;
  const via = spec.via ?? "external-secrets";
  const secretName = spec.secretName ?? (via === "external-secrets" ? secret.name : undefined);
  const refreshInterval = spec.refreshInterval ?? DEFAULT_REFRESH_INTERVAL;
  return {
    cluster,
    via,
    ...(secretName !== undefined && { secretName }),
    keys: spec.keys ? { ...spec.keys } : defaultKeys(secret.type),
    refreshInterval,
    refreshSeconds: parseRefreshSeconds(refreshInterval)!,
  };
}

/** A Kubernetes service's ServiceAccount: the policy's, else the service's name. */
export function serviceAccountOf(service: Pick<ServiceDocument, "name" | "spec">): string {
  return service.spec.kubernetes?.serviceAccount ?? service.name;
}

/** The pseudo-service whose access role the tenant's SecretStore on `cluster` assumes (not a policy name: it has a dot). */
export const secretStoreIdentity = (cluster: string) => `secret-store.${cluster}`;

interface TenantDeliveries {
  readonly kubernetes: readonly KubernetesCluster[];
  readonly secrets: readonly {
    readonly name: string;
    readonly kubernetesDelivery: readonly KubernetesDelivery[];
  }[];
}

/** The secrets External Secrets delivers into the tenant's namespace on `cluster`. */
export function externalSecretsOn<T extends TenantDeliveries["secrets"][number]>(
  secrets: readonly T[],
  cluster: string,
): T[] {
  return secrets.filter((s) =>
    s.kubernetesDelivery.some((d) => d.cluster.name === cluster && d.via === "external-secrets"),
  );
}

/** The clusters of the tenant where External Secrets delivers something (each gets a SecretStore). */
export function secretStoreClusters(tenant: TenantDeliveries): KubernetesCluster[] {
  return tenant.kubernetes.filter((c) => externalSecretsOn(tenant.secrets, c.name).length > 0);
}

/** The clusters a secret is delivered to through External Secrets: their stores' roles read it. */
export function secretStoreClustersOf(secret: TenantDeliveries["secrets"][number]): string[] {
  return [
    ...new Set(
      secret.kubernetesDelivery
        .filter((d) => d.via === "external-secrets")
        .map((d) => d.cluster.name),
    ),
  ];
}

/**
 * The clusters where a Kubernetes service gets its ServiceAccount: those its consumed secrets are
 * delivered to (in file order of the tenant's clusters).
 */
export function workloadClusters(
  service: {
    readonly runtime: string;
    readonly consumes: readonly { readonly kubernetesDelivery: readonly KubernetesDelivery[] }[];
  },
  clusters: readonly KubernetesCluster[],
): KubernetesCluster[] {
  if (service.runtime !== "kubernetes") return [];
  const used = new Set(
    service.consumes.flatMap((s) => s.kubernetesDelivery.map((d) => d.cluster.name)),
  );
  return clusters.filter((c) => used.has(c.name));
}
