import { report, type PolicyRule } from "./rule.js";

export const unusedSchedule: PolicyRule = {
  id: "unused-schedule",
  severity: "warning",
  description: "A RotationSchedule should be used by at least one Secret.",
  check(policies) {
    const used = new Set(policies.secrets.map((secret) => secret.spec.schedule));
    return [...policies.scheduleByName.values()]
      .filter((schedule) => !used.has(schedule.name))
      .map((schedule) =>
        report(
          this,
          schedule,
          ["metadata", "name"],
          `schedule "${schedule.name}" is used by no secret; use it or delete it`,
        ),
      );
  },
};
