import type { Diagnostic } from "../diagnostics.js";
import { closest } from "../did-you-mean.js";
import { COUNTRY_CODES } from "../protection/country-codes.js";
import { entryPointsOf } from "../protection/entries.js";
import { report, type PolicyRule } from "./rule.js";

const CODES = Object.keys(COUNTRY_CODES);

/** Codes ISO 3166 reserves exceptionally (the EU uses them), and the assigned code to use instead. */
const RESERVED: Readonly<Record<string, string>> = { UK: "GB", EL: "GR" };

/** Country codes are ISO 3166-1 alpha-2 (program/protection/country-codes.ts), upper case. */
export const countryCode: PolicyRule = {
  id: "country-code",
  severity: "error",
  description:
    "Each code of waf.countries must be an ISO 3166-1 alpha-2 country code, in upper case (DE, US).",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const { tenant, entry, path } of entryPointsOf(policies)) {
      const countries = entry.waf?.countries;
      for (const action of ["block", "allow"] as const) {
        const codes = countries?.[action] ?? [];
        codes.forEach((code, j) => {
          if (Object.hasOwn(COUNTRY_CODES, code)) return;
          const upper = code.toUpperCase();
          const suggestion = Object.hasOwn(COUNTRY_CODES, upper)
            ? upper
            : Object.hasOwn(RESERVED, upper)
              ? RESERVED[upper]!
              : closest(
                  code,
                  CODES.filter((c) => c[0] === upper[0] || c[1] === upper[1]),
                );
          diagnostics.push(
            report(
              this,
              tenant,
              [...path, "waf", "countries", action, j],
              `"${code}" is not an ISO 3166-1 alpha-2 country code: ${suggestion ? `did you mean "${suggestion}" (${COUNTRY_CODES[suggestion]})?` : "use a two-letter code such as DE or US"}`,
            ),
          );
        });
      }
    }
    return diagnostics;
  },
};
