import { closest } from "../did-you-mean.js";
import { rejectedKey } from "../policy-set.js";
import { report, type PolicyRule } from "./rule.js";

export const unknownTenant: PolicyRule = {
  id: "unknown-tenant",
  severity: "error",
  description: "A Secret's or Service's metadata.tenant must name a Tenant.",
  check(policies) {
    const names = [...policies.tenantByName.keys()];
    return [...policies.secrets, ...policies.services]
      .filter(
        (document) =>
          !policies.tenantByName.has(document.tenant) &&
          !policies.rejected.has(rejectedKey("Tenant", document.tenant)),
      )
      .map((document) => {
        const suggestion = closest(document.tenant, names);
        const fix = suggestion
          ? `did you mean "${suggestion}"?`
          : "define the Tenant or fix the name";
        return report(
          this,
          document,
          ["metadata", "tenant"],
          `${document.kind} "${document.name}" belongs to tenant "${document.tenant}", which is not defined; ${fix}`,
        );
      });
  },
};
