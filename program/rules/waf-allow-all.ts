import { allowListAddresses, entryPointsOf } from "../protection/entries.js";
import { isEveryAddress, parseCidr } from "../protection/policy.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * An allow list never holds every address (0.0.0.0/0, ::/0, however written, such as 0:0::/0):
 * allowed requests skip every other rule, so it would turn the web ACL off; and AWS WAF takes no
 * /0 range in an IP set.
 */
export const wafAllowAll: PolicyRule = {
  id: "waf-allow-all",
  severity: "error",
  description:
    "A WAF allow list may not hold 0.0.0.0/0 or ::/0 (however written): it would let every request skip the web ACL.",
  check(policies) {
    const diagnostics = [];
    for (const { tenant, entry, path } of entryPointsOf(policies)) {
      for (const address of allowListAddresses(entry, path)) {
        const cidr = parseCidr(address.text, address.family);
        if ("error" in cidr || !isEveryAddress(cidr)) continue;
        diagnostics.push(
          report(
            this,
            tenant,
            address.path,
            `"${address.text}" allows every IPv${address.family} address, so every request would skip entry point "${entry.name}"'s web ACL: list only the addresses you trust, or remove it`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
