import type {
  PolicyDocument,
  PolicySet,
  RotationScheduleDocument,
  SecretDocument,
  ServiceDocument,
  TenantDocument,
} from "./documents.js";

/**
 * The documents with the look-ups rules need. Where a name is defined twice, the first
 * definition (in file order) is the one looked up; the duplicate-name rule reports the rest.
 */
export interface PolicyIndex extends PolicySet {
  readonly tenantByName: ReadonlyMap<string, TenantDocument>;
  readonly scheduleByName: ReadonlyMap<string, RotationScheduleDocument>;
  /** Services by tenant, then by name. */
  readonly serviceByTenant: ReadonlyMap<string, ReadonlyMap<string, ServiceDocument>>;
  /** Secrets by tenant, in file order. */
  readonly secretsByTenant: ReadonlyMap<string, readonly SecretDocument[]>;
  /** Every service of any tenant with a given name. */
  readonly servicesNamed: ReadonlyMap<string, readonly ServiceDocument[]>;
  /**
   * Documents that are written but failed their schema, by `rejectedKey`: a reference to one
   * is not "unknown", the document's own error says what to fix.
   */
  readonly rejected: ReadonlySet<string>;
}

export function rejectedKey(kind: string, name: string, tenant = ""): string {
  return `${kind}/${tenant}/${name}`;
}

export function indexPolicies(
  documents: readonly PolicyDocument[],
  rejected: ReadonlySet<string> = new Set(),
): PolicyIndex {
  const tenants: TenantDocument[] = [];
  const schedules: RotationScheduleDocument[] = [];
  const secrets: SecretDocument[] = [];
  const services: ServiceDocument[] = [];
  for (const document of documents) {
    switch (document.kind) {
      case "Tenant":
        tenants.push(document);
        break;
      case "RotationSchedule":
        schedules.push(document);
        break;
      case "Secret":
        secrets.push(document);
        break;
      case "Service":
        services.push(document);
        break;
    }
  }
  const serviceByTenant = new Map<string, Map<string, ServiceDocument>>();
  const servicesNamed = new Map<string, ServiceDocument[]>();
  for (const service of services) {
    const ofTenant = serviceByTenant.get(service.tenant) ?? new Map<string, ServiceDocument>();
    if (!ofTenant.has(service.name)) ofTenant.set(service.name, service);
    serviceByTenant.set(service.tenant, ofTenant);
    const named = servicesNamed.get(service.name);
    if (named) named.push(service);
    else servicesNamed.set(service.name, [service]);
  }
  const secretsByTenant = new Map<string, SecretDocument[]>();
  for (const secret of secrets) {
    const ofTenant = secretsByTenant.get(secret.tenant);
    if (ofTenant) ofTenant.push(secret);
    else secretsByTenant.set(secret.tenant, [secret]);
  }
  return {
    tenants,
    schedules,
    secrets,
    services,
    tenantByName: firstByName(tenants),
    scheduleByName: firstByName(schedules),
    serviceByTenant,
    secretsByTenant,
    servicesNamed,
    rejected,
  };
}

function firstByName<T extends { name: string }>(documents: readonly T[]): Map<string, T> {
  const byName = new Map<string, T>();
  for (const document of documents)
    if (!byName.has(document.name)) byName.set(document.name, document);
  return byName;
}
