import { rotationCadence, rotationRules } from "../../cloud/aws/rotation-rules.js";
import type { PolicyModel, Tenant } from "../../program/model.js";
import { selectTenants, type StackSettings } from "../../program/pulumi/settings.js";
import type { ProgramRun, SubjectResource } from "./resources.js";
import { DuplicateResourceError, runUnderMocks } from "./run-program.js";
import { DEFAULT_SLICE_TENANTS } from "./parallelism.js";
import type { SlicePool } from "./slice-pool.js";

export function describeSchedule(schedule: {
  everyDays: number;
  window?: { start: string; durationHours: number };
}): string {
  const every = schedule.everyDays === 1 ? "every day" : `every ${schedule.everyDays} days`;
  if (!schedule.window) return every;
  // A windowed schedule runs on calendar dates, so it may rotate more often than every N days
  // (never less often): say so where it does (cloud/aws/rotation-rules.ts).
  const { runsPerYear } = rotationCadence(schedule);
  const expression = rotationRules(schedule).scheduleExpression;
  const more =
    runsPerYear > Math.ceil(365.25 / schedule.everyDays)
      ? `; ${expression} runs up to ${runsPerYear} times a year, so no gap exceeds ${schedule.everyDays} days`
      : "";
  return `${every}, window ${schedule.window.start} UTC for ${schedule.window.durationHours}h${more}`;
}

/** Tenants per run of the program under mocks, by default (see runProgram). */
export const TENANTS_PER_RUN = DEFAULT_SLICE_TENANTS;

export interface RunOptions {
  /** Run the program for these tenants only. @default - every tenant of the stack */
  readonly only?: ReadonlySet<string>;
  /** Called after each slice with the tenants done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Tenants per run under mocks. @default 25 (DEFAULT_SLICE_TENANTS) */
  readonly sliceTenants?: number;
  /** Worker threads to run the slices on. @default - every slice in this thread, one after another */
  readonly pool?: SlicePool;
}

/** The program under mocks over one slice of tenants: in this thread, or in a plan worker. */
export async function runSlice(
  tenants: readonly Tenant[],
  settings: StackSettings,
): Promise<SubjectResource[]> {
  const { createStackResources } = await import("../../program/pulumi/stack.js");
  const pulumi = await import("@pulumi/pulumi");
  return runUnderMocks(settings.stack, (opts) => {
    createStackResources(
      tenants,
      settings,
      settings.alarmWebhookUrl
        ? { alarmWebhookUrl: pulumi.secret(settings.alarmWebhookUrl.value) }
        : {},
      opts,
    );
  });
}

/**
 * Runs the Pulumi program for a stack's tenants of `model` under mocks. An undefined model stands
 * for policies that did not exist (a base ref before the policy directory was added): no resources.
 */
export async function runProgram(
  model: PolicyModel | undefined,
  settings: StackSettings,
  options: RunOptions = {},
): Promise<ProgramRun> {
  const { only, onProgress, pool } = options;
  const sliceTenants = options.sliceTenants ?? DEFAULT_SLICE_TENANTS;
  const tenants = (model ? selectTenants(model, settings.tenants) : []).filter(
    (t) => only === undefined || only.has(t.name),
  );
  // Each tenant's resources stand alone (its own provider), and Pulumi's runtime under mocks
  // holds every resource of a run until the run ends: slices of tenants bound the memory. On a
  // pool, slices run on its workers, one each at a time; the parts are then taken in slice order,
  // so the result (and a duplicate's message) is the one-thread result.
  const slices: Tenant[][] = [];
  for (let first = 0; first < tenants.length; first += sliceTenants) {
    slices.push(tenants.slice(first, first + sliceTenants));
  }
  let done = 0;
  const progress = (slice: readonly Tenant[]) => {
    done += slice.length;
    onProgress?.(done, tenants.length);
  };
  const parts: SubjectResource[][] = [];
  if (pool) {
    parts.push(
      ...(await Promise.all(
        slices.map((slice) =>
          pool.run(slice, settings).then((part) => {
            progress(slice);
            return part;
          }),
        ),
      )),
    );
  } else {
    for (const slice of slices) {
      parts.push(await runSlice(slice, settings));
      progress(slice);
    }
  }
  const resources: SubjectResource[] = [];
  const urns = new Set<string>();
  for (const part of parts) {
    for (const resource of part) {
      if (urns.has(resource.urn)) {
        throw new DuplicateResourceError(`two resources have the same URN: ${resource.urn}`);
      }
      urns.add(resource.urn);
      resources.push(resource);
    }
  }
  resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const consumers = new Map<string, string[]>();
  const schedules = new Map<string, string>();
  for (const tenant of tenants) {
    for (const secret of tenant.secrets) {
      consumers.set(
        `${tenant.name}/${secret.name}`,
        secret.consumers.map((c) => c.name),
      );
      schedules.set(`${tenant.name}/${secret.name}`, describeSchedule(secret.schedule));
    }
  }
  return { stack: settings.stack, resources, consumers, schedules };
}
