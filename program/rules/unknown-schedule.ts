import { closest } from "../did-you-mean.js";
import { rejectedKey } from "../policy-set.js";
import { report, type PolicyRule } from "./rule.js";

export const unknownSchedule: PolicyRule = {
  id: "unknown-schedule",
  severity: "error",
  description: "A Secret's spec.schedule must name a RotationSchedule.",
  check(policies) {
    const names = [...policies.scheduleByName.keys()];
    return policies.secrets
      .filter(
        (secret) =>
          !policies.scheduleByName.has(secret.spec.schedule) &&
          !policies.rejected.has(rejectedKey("RotationSchedule", secret.spec.schedule)),
      )
      .map((secret) => {
        const suggestion = closest(secret.spec.schedule, names);
        const fix = suggestion
          ? `did you mean "${suggestion}"?`
          : `define it as a RotationSchedule or use one of: ${names.join(", ") || "(none defined)"}`;
        return report(
          this,
          secret,
          ["spec", "schedule"],
          `secret "${secret.name}" uses schedule "${secret.spec.schedule}", which is not defined; ${fix}`,
        );
      });
  },
};
