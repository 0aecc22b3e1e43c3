import { MAX_ROTATION_DAYS, MIN_ROTATION_DAYS, parseDays } from "../durations.js";
import { report, type PolicyRule } from "./rule.js";

export const rotationInterval: PolicyRule = {
  id: "rotation-interval",
  severity: "error",
  description: `A RotationSchedule's spec.every must be ${MIN_ROTATION_DAYS}d to ${MAX_ROTATION_DAYS}d.`,
  check(policies) {
    return policies.schedules
      .filter((schedule) => {
        const days = parseDays(schedule.spec.every);
        return days !== undefined && (days < MIN_ROTATION_DAYS || days > MAX_ROTATION_DAYS);
      })
      .map((schedule) =>
        report(
          this,
          schedule,
          ["spec", "every"],
          `schedule "${schedule.name}" rotates every "${schedule.spec.every}"; ` +
            `use a whole number of days from ${MIN_ROTATION_DAYS}d to ${MAX_ROTATION_DAYS}d`,
        ),
      );
  },
};
