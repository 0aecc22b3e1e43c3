import type { PolicyModel } from "../../program/model.js";
import { selectTenants, type StackSettings } from "../../program/pulumi/settings.js";
import type { ProgramRun } from "./resources.js";
import { runUnderMocks } from "./run-program.js";

export function describeSchedule(schedule: {
  everyDays: number;
  window?: { start: string; durationHours: number };
}): string {
  const every = schedule.everyDays === 1 ? "every day" : `every ${schedule.everyDays} days`;
  return schedule.window
    ? `${every}, window ${schedule.window.start} UTC for ${schedule.window.durationHours}h`
    : every;
}

/**
 * Runs the Pulumi program for a stack's tenants of `model` under mocks. An undefined model stands
 * for policies that did not exist (a base ref before the policy directory was added): no resources.
 */
export async function runProgram(
  model: PolicyModel | undefined,
  settings: StackSettings,
): Promise<ProgramRun> {
  const tenants = model ? selectTenants(model, settings.tenants) : [];
  const { createStackResources } = await import("../../program/pulumi/stack.js");
  const pulumi = await import("@pulumi/pulumi");
  const resources = await runUnderMocks(settings.stack, (opts) => {
    createStackResources(
      tenants,
      settings,
      settings.alarmWebhookUrl
        ? { alarmWebhookUrl: pulumi.secret(settings.alarmWebhookUrl.value) }
        : {},
      opts,
    );
  });
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
