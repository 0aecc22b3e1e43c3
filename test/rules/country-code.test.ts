import { describe, expect, it } from "vitest";
import { COUNTRY_CODES } from "../../program/protection/country-codes.js";
import { entryPoint, tenantWith } from "../support/protection-policies.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";

// acme.yaml: waf on line 14, countries 15, block/allow 16.
const countries = (action: string, codes: string) =>
  tenantWith(entryPoint({ waf: `countries:\n  ${action}: ${codes}` }));

describe("rule country-code", () => {
  it("reports a code that is not ISO 3166-1 alpha-2 at its value, suggesting the code meant", () => {
    const [found, ...rest] = reported(countries("block", "[KP, UK]"), "country-code");
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:16:23",
      severity: "error",
      message:
        '"UK" is not an ISO 3166-1 alpha-2 country code: did you mean "GB" (United Kingdom)?',
    });
    expectHelpfulMessage(found!.message, "UK", "GB");
  });

  it("suggests the upper-case code for a lower-case one, in allow lists too", () => {
    const [found] = reported(countries("allow", "[de]"), "country-code");
    expect(found!.message).toContain('did you mean "DE" (Germany)?');
  });

  it("says what a code looks like when nothing is near", () => {
    const [found] = reported(countries("block", "[Germany]"), "country-code");
    expect(found!.message).toContain("use a two-letter code such as DE or US");
  });

  it("accepts assigned codes", () => {
    expect(reported(countries("block", "[KP, IR, RU]"), "country-code")).toEqual([]);
    expect(reported(countries("allow", "[US, CA, GB, DE]"), "country-code")).toEqual([]);
  });

  it("keeps the 249 codes of iso-codes 4.15.0", () => {
    expect(Object.keys(COUNTRY_CODES)).toHaveLength(249);
    expect(COUNTRY_CODES.DE).toBe("Germany");
    expect(Object.hasOwn(COUNTRY_CODES, "UK")).toBe(false);
  });
});
