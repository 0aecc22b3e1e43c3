import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

/**
 * A tenant on `plan` with secrets rotating every `days[i]` days. Schedules are named `every-<n>d`.
 * The tenant's spec.plan value is at tenant.yaml:6:9.
 */
function tenantWith(plan: string, days: readonly number[]) {
  const schedules = [...new Set(days)].map((d) => doc.schedule(`every-${d}d`, `${d}d`));
  const secrets = days.map((d, i) => doc.secret(`secret-${i}`, "acme", `every-${d}d`, ["api"]));
  return validateText({
    "schedules.yaml": yamlFile(...schedules),
    "tenant.yaml": yamlFile(doc.tenant("acme", plan), doc.service("api", "acme")),
    "secrets.yaml": yamlFile(...secrets),
  });
}
const times = (n: number, days: number) => Array<number>(n).fill(days);

describe("rule plan-limits", () => {
  describe("secrets per tenant", () => {
    it.each([
      ["free", 5, "pro"],
      ["pro", 25, "business"],
      ["business", 100, "enterprise"],
    ])("reports a %s tenant with one secret over its %i at spec.plan", (plan, limit, next) => {
      const [found, ...rest] = reported(tenantWith(plan, times(limit + 1, 90)), "plan-limits");

      expect(rest).toEqual([]);
      expect(found).toEqual({
        where: "tenant.yaml:6:9",
        severity: "error",
        message: `tenant "acme" has ${limit + 1} secrets; plan "${plan}" allows ${limit}: remove 1 or move to plan "${next}"`,
      });
      expectHelpfulMessage(found!.message, "acme", plan, next);
    });

    it.each([
      ["free", 5],
      ["pro", 25],
      ["business", 100],
      ["enterprise", 1000],
    ])("accepts a %s tenant with %i secrets", (plan, count) => {
      expect(reported(tenantWith(plan, times(count, 90)), "plan-limits")).toEqual([]);
    });
  });

  describe("rotations per month (30 / days, summed over the tenant's secrets)", () => {
    it.each([
      // free: 4 × 30/15 + 30/10 = 11 > 10
      ["free", [...times(4, 15), 10], "11", "10", "pro"],
      // pro: 20 × 30/6 + 30/30 = 101 > 100
      ["pro", [...times(20, 6), 30], "101", "100", "business"],
      // business: 99 × 30/6 + 30/5 = 501 > 500
      ["business", [...times(99, 6), 5], "501", "500", "enterprise"],
      // free, fractional: 5 × 30/14 = 10.7 > 10
      ["free", times(5, 14), "10.7", "10", "pro"],
    ])(
      "reports a %s tenant rotating over its limit at spec.plan",
      (plan, days, rotations, limit, next) => {
        const [found, ...rest] = reported(tenantWith(plan, days), "plan-limits");

        expect(rest).toEqual([]);
        expect(found).toEqual({
          where: "tenant.yaml:6:9",
          severity: "error",
          message: `tenant "acme" rotates ${rotations} times a month; plan "${plan}" allows ${limit}: rotate less often or move to plan "${next}"`,
        });
      },
    );

    it.each([
      ["free", times(5, 15)], // exactly 10
      ["pro", times(20, 6)], // exactly 100
      ["business", times(100, 6)], // exactly 500
      ["enterprise", times(200, 1)], // 6000: unlimited
    ])("accepts a %s tenant rotating up to its limit", (plan, days) => {
      expect(reported(tenantWith(plan, days), "plan-limits")).toEqual([]);
    });
  });

  it("reports both limits when both are exceeded, and suggests the plan that fits both", () => {
    const found = reported(tenantWith("free", times(6, 1)), "plan-limits");

    expect(found.map((d) => d.message)).toEqual([
      'tenant "acme" has 6 secrets; plan "free" allows 5: remove 1 or move to plan "business"',
      'tenant "acme" rotates 180 times a month; plan "free" allows 10: rotate less often or move to plan "business"',
    ]);
  });
});
