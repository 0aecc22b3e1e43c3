import { toKeyVaultDelivery, toServiceAzure, toTenantAzure } from "./azure.js";
import { parseDays, parseHours, parseTimeOfDay } from "./durations.js";
import type { ReloadSpec, SecretDocument, SecretType } from "./documents.js";
import type {
  PasswordPolicy,
  PolicyModel,
  RotationSchedule,
  Secret,
  SecretConnection,
  Service,
  ServiceReload,
  Tenant,
} from "./model.js";
import { PLAN_LIMITS, rotationsPerMonth } from "./plans.js";
import type { PolicyIndex } from "./policy-set.js";
import { tenantStore } from "./store.js";
import { passwordPolicyFor } from "./password-defaults.js";
import { backupOf } from "./backup.js";
import { serviceAccountOf, toCluster, toDelivery, type KubernetesDelivery } from "./kubernetes.js";
import { notificationsFrom } from "./notifications.js";
import { tenantLogRetention, toEntryPoints } from "./protection/model.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/**
 * Resolves names to objects. Call it only on policies that validated without errors:
 * it assumes every reference resolves and every duration parses.
 */
export function buildModel(policies: PolicyIndex): PolicyModel {
  const schedules = new Map<string, RotationSchedule>();
  for (const document of policies.scheduleByName.values()) {
    const window = document.spec.window;
    schedules.set(document.name, {
      name: document.name,
      everyDays: parseDays(document.spec.every)!,
      ...(window && {
        window: {
          start: window.start,
          startMinutes: parseTimeOfDay(window.start)!,
          durationHours: parseHours(window.duration)!,
        },
      }),
      source: document.source,
    });
  }

  const tenants: Mutable<Tenant>[] = [];
  for (const document of policies.tenantByName.values()) {
    const tenant: Mutable<Tenant> = {
      name: document.name,
      plan: document.spec.plan,
      limits: PLAN_LIMITS[document.spec.plan],
      compliance: [...(document.spec.compliance ?? [])],
      aws: { ...document.spec.aws },
      ...backupOf(document),
      store: tenantStore(document.name, document.spec.store),
      secrets: [],
      services: [],
      kubernetes: (document.spec.kubernetes?.clusters ?? []).map((c) =>
        toCluster(c, document.name),
      ),
      rotationsPerMonth: 0,
      ...(document.spec.azure && { azure: toTenantAzure(document.name, document.spec.azure) }),
      ...(document.spec.notifications && {
        notifications: notificationsFrom(document.spec.notifications),
      }),
      entryPoints: toEntryPoints(document.spec),
      source: document.source,
    };
    const logRetentionDays = tenantLogRetention(document.spec);
    if (logRetentionDays !== undefined) tenant.logRetentionDays = logRetentionDays;
    tenants.push(tenant);

    const services = new Map<string, Mutable<Service>>();
    for (const service of policies.serviceByTenant.get(tenant.name)?.values() ?? []) {
      const reload = service.spec.reload && toReload(service.spec.reload);
      const built: Mutable<Service> = {
        name: service.name,
        tenant,
        runtime: service.spec.runtime,
        consumes: [],
        ...(reload && { reload }),
        ...(service.spec.azure && { azure: toServiceAzure(service.spec.azure) }),
        ...(service.spec.runtime === "kubernetes" && { serviceAccount: serviceAccountOf(service) }),
        source: service.source,
      };
      services.set(service.name, built);
      tenant.services.push(built);
    }
    const secretsByName = new Map<string, Mutable<Secret>>();
    const withMaster: [Mutable<SecretConnection>, string][] = [];
    for (const document of policies.secretsByTenant.get(tenant.name) ?? []) {
      const schedule = schedules.get(document.spec.schedule)!;
      const consumers = (document.spec.consumers ?? []).map((name) => services.get(name)!);
      const connection = toConnection(document);
      if (connection && document.spec.connection?.masterSecret) {
        withMaster.push([connection, document.spec.connection.masterSecret]);
      }
      const password = toPasswordPolicy(document);
      const secret: Mutable<Secret> = {
        name: document.name,
        tenant,
        type: document.spec.type,
        schedule,
        consumers,
        ...(connection && { connection }),
        ...(password && { password }),
        ...(document.spec.delivery?.azureKeyVault && {
          azureKeyVault: toKeyVaultDelivery(document.name, document.spec.delivery.azureKeyVault),
        }),
        kubernetesDelivery: (document.spec.delivery?.kubernetes ?? [])
          .map((d) =>
            toDelivery(d, { name: document.name, type: document.spec.type }, tenant.kubernetes),
          )
          .filter((d): d is KubernetesDelivery => d !== undefined),
        source: document.source,
      };
      if (!secretsByName.has(secret.name)) secretsByName.set(secret.name, secret);
      tenant.secrets.push(secret);
      tenant.rotationsPerMonth += rotationsPerMonth(schedule.everyDays);
      for (const consumer of consumers) services.get(consumer.name)!.consumes.push(secret);
    }
    // Resolved after every secret of the tenant exists: a master may be declared later.
    for (const [connection, master] of withMaster)
      connection.masterSecret = secretsByName.get(master);
  }
  return { tenants, schedules: [...schedules.values()] };
}

/** The default port of each database engine; the schema's description of `port` states them. */
const DEFAULT_PORTS: Partial<Record<SecretType, number>> = { postgres: 5432, mysql: 3306 };

function toConnection(document: SecretDocument): Mutable<SecretConnection> | undefined {
  const given = document.spec.connection;
  const defaultPort = DEFAULT_PORTS[document.spec.type];
  if (!given || defaultPort === undefined) return undefined;
  const database = given.database ?? (document.spec.type === "postgres" ? "postgres" : undefined);
  return {
    host: given.host,
    port: given.port ?? defaultPort,
    ...(database !== undefined && { database }),
    username: given.username,
    strategy: given.strategy ?? "single",
    tls: given.tls ?? false,
  };
}

function toPasswordPolicy(document: SecretDocument): PasswordPolicy | undefined {
  return passwordPolicyFor(document.spec.type, document.spec.password);
}

function toReload(reload: ReloadSpec): ServiceReload | undefined {
  if (reload.ecs) return { runtime: "ecs", ecs: reload.ecs };
  if (reload.lambda) return { runtime: "lambda", lambda: reload.lambda };
  if (reload.kubernetes) return { runtime: "kubernetes", kubernetes: reload.kubernetes };
  if (reload.ec2) return { runtime: "ec2", ec2: reload.ec2 };
  return undefined;
}
