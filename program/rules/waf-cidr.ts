import { allowListAddresses, entryPointsOf } from "../protection/entries.js";
import { hasHostBits, networkOf, parseCidr } from "../protection/policy.js";
import { report, type PolicyRule } from "./rule.js";

/** Each address of a WAF allow list is a CIDR of its list's family, without host bits. */
export const wafCidr: PolicyRule = {
  id: "waf-cidr",
  severity: "error",
  description:
    "Each address of waf.allow.ipv4 and waf.allow.ipv6 must be a CIDR of that family (address/prefix), without host bits.",
  check(policies) {
    const diagnostics = [];
    for (const { tenant, entry, path } of entryPointsOf(policies)) {
      for (const address of allowListAddresses(entry, path)) {
        const cidr = parseCidr(address.text, address.family);
        if ("error" in cidr) {
          diagnostics.push(
            report(
              this,
              tenant,
              address.path,
              `"${address.text}" ${cidr.error}: write an IPv${address.family} CIDR such as ${address.family === 4 ? "203.0.113.0/24" : "2001:db8::/32"}`,
            ),
          );
        } else if (hasHostBits(cidr)) {
          diagnostics.push(
            report(
              this,
              tenant,
              address.path,
              `"${address.text}" has bits set past its /${cidr.prefix} prefix, which AWS WAF refuses: did you mean "${networkOf(cidr)}"?`,
            ),
          );
        }
      }
    }
    return diagnostics;
  },
};
