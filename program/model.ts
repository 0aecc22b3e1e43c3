import type { Position } from "./diagnostics.js";
import type { Framework, Plan, Runtime, SecretType } from "./documents.js";
import type { ValuePath } from "./load/document-source.js";
import type { PlanLimits } from "./plans.js";

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
  readonly secrets: readonly Secret[];
  readonly services: readonly Service[];
  /** Summed over the tenant's secrets: 30 / days between rotations. */
  readonly rotationsPerMonth: number;
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
  readonly source: SourceRef;
}

export interface Service {
  readonly name: string;
  readonly tenant: Tenant;
  readonly runtime: Runtime;
  /** The secrets that name this service as a consumer. */
  readonly consumes: readonly Secret[];
  readonly source: SourceRef;
}
