import { entryPointsOf } from "../protection/entries.js";
import { RATE_LIMIT_MAX, RATE_LIMIT_MIN, RATE_WINDOWS } from "../protection/policy.js";
import { report, type PolicyRule } from "./rule.js";

/** A rate limit within AWS WAF's bounds: 10 to 2,000,000,000 requests, windows of 60/120/300/600 s. */
export const wafRateLimit: PolicyRule = {
  id: "waf-rate-limit",
  severity: "error",
  description: `A WAF rate limit must be ${RATE_LIMIT_MIN} to ${RATE_LIMIT_MAX.toLocaleString("en-US")} requests, over a window of ${RATE_WINDOWS.join(", ")} seconds.`,
  check(policies) {
    const diagnostics = [];
    for (const { tenant, entry, path } of entryPointsOf(policies)) {
      const rate = entry.waf?.rateLimit;
      if (!rate) continue;
      if (rate.limit < RATE_LIMIT_MIN || rate.limit > RATE_LIMIT_MAX) {
        diagnostics.push(
          report(
            this,
            tenant,
            [...path, "waf", "rateLimit", "limit"],
            `rate limit "${rate.limit}" is outside AWS WAF's bounds: use ${RATE_LIMIT_MIN} to ${RATE_LIMIT_MAX.toLocaleString("en-US")} requests per window`,
          ),
        );
      }
      if (rate.window !== undefined && !(RATE_WINDOWS as readonly number[]).includes(rate.window)) {
        const nearest = [...RATE_WINDOWS].sort(
          (a, b) => Math.abs(a - rate.window!) - Math.abs(b - rate.window!),
        )[0];
        diagnostics.push(
          report(
            this,
            tenant,
            [...path, "waf", "rateLimit", "window"],
            `window "${rate.window}" is not one AWS WAF evaluates: use ${RATE_WINDOWS.join(", ")} seconds (did you mean ${nearest}?)`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
