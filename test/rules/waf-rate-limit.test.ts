import { describe, expect, it } from "vitest";
import { entryPoint, tenantWith } from "../support/protection-policies.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";

// acme.yaml: waf on line 14, rateLimit 15, limit 16, window 17.
const limited = (limit: number, window?: number) =>
  tenantWith(
    entryPoint({
      waf: `rateLimit:\n  limit: ${limit}${window === undefined ? "" : `\n  window: ${window}`}`,
    }),
  );

describe("rule waf-rate-limit", () => {
  it("reports a limit below AWS WAF's 10 at its value", () => {
    const [found, ...rest] = reported(limited(9), "waf-rate-limit");
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:16:18",
      severity: "error",
      message:
        'rate limit "9" is outside AWS WAF\'s bounds: use 10 to 2,000,000,000 requests per window',
    });
    expectHelpfulMessage(found!.message, "9");
  });

  it("reports a limit above 2,000,000,000 and a window AWS WAF does not evaluate", () => {
    expect(reported(limited(2_000_000_001), "waf-rate-limit")).toHaveLength(1);
    const [window] = reported(limited(100, 90), "waf-rate-limit");
    expect(window).toMatchObject({ where: "acme.yaml:17:19" });
    expect(window!.message).toBe(
      'window "90" is not one AWS WAF evaluates: use 60, 120, 300, 600 seconds (did you mean 60?)',
    );
  });

  it.each([
    [10, undefined],
    [2_000_000_000, 600],
    [100, 60],
    [100, 120],
    [100, 300],
  ])("accepts limit %s over window %s", (limit, window) => {
    expect(reported(limited(limit, window), "waf-rate-limit")).toEqual([]);
  });
});
