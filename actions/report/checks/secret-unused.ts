import type { Check } from "./check.js";
import { days } from "./check.js";
import { ageDays, perLiveSecret } from "./live-view.js";

/**
 * Live (Security Hub SecretsManager.3): the secret was read within the bound, 90 days by default.
 * A secret never read counts from its creation, so a new secret passes and an old unread one fails.
 */
export const secretUnused: Check = {
  id: "secret-unused",
  kind: "live",
  description:
    "Every declared secret was accessed within the framework's bound (never accessed: created within it).",
  evaluate(context, parameters) {
    const bound = parameters.unusedDays.value;
    return perLiveSecret(context, (secret) => {
      const last = secret.lastAccessedDate ?? secret.createdDate;
      if (!last)
        return { status: "fail", observed: "neither LastAccessedDate nor CreatedDate reported" };
      const age = ageDays(last, context.at);
      const what = secret.lastAccessedDate ? "LastAccessedDate" : "never accessed; CreatedDate";
      return {
        status: age <= bound ? "pass" : "fail",
        observed: `${what} ${last.toISOString()}, ${days(age)} before ${context.at} (bound: ${days(bound)})`,
      };
    });
  },
};
