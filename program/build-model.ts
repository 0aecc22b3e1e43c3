import { parseDays, parseHours, parseTimeOfDay } from "./durations.js";
import type { PolicyModel, RotationSchedule, Secret, Service, Tenant } from "./model.js";
import { PLAN_LIMITS, rotationsPerMonth } from "./plans.js";
import type { PolicyIndex } from "./policy-set.js";

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
      secrets: [],
      services: [],
      rotationsPerMonth: 0,
      source: document.source,
    };
    tenants.push(tenant);

    const services = new Map<string, Mutable<Service>>();
    for (const service of policies.serviceByTenant.get(tenant.name)?.values() ?? []) {
      const built: Mutable<Service> = {
        name: service.name,
        tenant,
        runtime: service.spec.runtime,
        consumes: [],
        source: service.source,
      };
      services.set(service.name, built);
      tenant.services.push(built);
    }
    for (const document of policies.secretsByTenant.get(tenant.name) ?? []) {
      const schedule = schedules.get(document.spec.schedule)!;
      const consumers = (document.spec.consumers ?? []).map((name) => services.get(name)!);
      const secret: Secret = {
        name: document.name,
        tenant,
        type: document.spec.type,
        schedule,
        consumers,
        source: document.source,
      };
      tenant.secrets.push(secret);
      tenant.rotationsPerMonth += rotationsPerMonth(schedule.everyDays);
      for (const consumer of consumers) services.get(consumer.name)!.consumes.push(secret);
    }
  }
  return { tenants, schedules: [...schedules.values()] };
}
