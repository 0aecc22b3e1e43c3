import type { Diagnostic } from "../diagnostics.js";
import { report, type PolicyRule } from "./rule.js";

const VAULT_ONLY = ["address", "mount", "pathPrefix", "namespace", "auth"] as const;

/** The vault fields of spec.store mean nothing on Secrets Manager: likely a forgotten `type`. */
export const vaultStoreFields: PolicyRule = {
  id: "vault-store-fields",
  severity: "error",
  description:
    "spec.store's address, mount, pathPrefix, namespace and auth apply to type vault only.",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const tenant of policies.tenants) {
      const store = tenant.spec.store;
      if (!store || store.type === "vault") continue;
      for (const key of VAULT_ONLY) {
        if (store[key] === undefined) continue;
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "store", key],
            `spec.store.${key} applies to a vault store, and tenant "${tenant.name}" uses ${store.type}; set type: vault, or remove ${key}`,
            "key",
          ),
        );
      }
    }
    return diagnostics;
  },
};
