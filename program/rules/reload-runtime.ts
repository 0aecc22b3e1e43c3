import { report, type PolicyRule } from "./rule.js";

export const reloadRuntime: PolicyRule = {
  id: "reload-runtime",
  severity: "error",
  description: "A Service's spec.reload block must be the one for its spec.runtime.",
  check(policies) {
    const diagnostics = [];
    for (const service of policies.services) {
      const reload = service.spec.reload;
      if (!reload) continue;
      for (const block of Object.keys(reload)) {
        if (block === service.spec.runtime) continue;
        diagnostics.push(
          report(
            this,
            service,
            ["spec", "reload", block],
            `service "${service.name}" runs on ${service.spec.runtime} but its reload block is "${block}"; ` +
              `use spec.reload.${service.spec.runtime}, or change spec.runtime to ${block}`,
            "key",
          ),
        );
      }
    }
    return diagnostics;
  },
};
