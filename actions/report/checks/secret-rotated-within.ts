import type { Check } from "./check.js";
import { days } from "./check.js";
import { ageDays, perLiveSecret } from "./live-view.js";

/**
 * Live (Security Hub SecretsManager.4): the last rotation (the creation, for a secret never
 * rotated) is no older than the bound, 90 days by default.
 */
export const secretRotatedWithin: Check = {
  id: "secret-rotated-within",
  kind: "live",
  description:
    "Every declared secret was last rotated (or, never rotated, created) within the framework's bound.",
  evaluate(context, parameters) {
    const bound = parameters.rotatedWithinDays.value;
    return perLiveSecret(context, (secret) => {
      const last = secret.lastRotatedDate ?? secret.createdDate;
      if (!last)
        return { status: "fail", observed: "neither LastRotatedDate nor CreatedDate reported" };
      const age = ageDays(last, context.at);
      const what = secret.lastRotatedDate ? "LastRotatedDate" : "never rotated; CreatedDate";
      return {
        status: age <= bound ? "pass" : "fail",
        observed: `${what} ${last.toISOString()}, ${days(age)} before ${context.at} (bound: ${days(bound)})`,
      };
    });
  },
};
