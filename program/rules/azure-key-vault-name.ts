import { keyVaultNameOf, keyVaultNameProblem } from "../azure.js";
import type { TenantDocument } from "../documents.js";
import { place, report, type PolicyRule } from "./rule.js";

/**
 * A Key Vault's name is its DNS name (<name>.vault.azure.net): Azure refuses one outside its
 * naming rules, and two tenants can never share one, so both are checked before `pulumi up`.
 */
export const azureKeyVaultName: PolicyRule = {
  id: "azure-key-vault-name",
  severity: "error",
  description:
    "A Tenant's Key Vault name (spec.azure.keyVaultName, or the derived default) must have 3 to 24 letters, digits and '-', start with a letter, and differ from every other tenant's (vault names are global).",
  check(policies) {
    const diagnostics = [];
    const seen = new Map<string, TenantDocument>();
    for (const tenant of policies.tenants) {
      const azure = tenant.spec.azure;
      if (!azure) continue;
      const name = keyVaultNameOf(tenant.name, azure);
      const explicit = azure.keyVaultName !== undefined;
      const path = explicit ? ["spec", "azure", "keyVaultName"] : ["spec", "azure"];
      const problem = keyVaultNameProblem(name);
      if (problem) {
        diagnostics.push(
          report(
            this,
            tenant,
            path,
            `Key Vault name "${name}" ${problem}; ` +
              (explicit
                ? `shorten or rename it, or remove keyVaultName to use the derived name`
                : `set spec.azure.keyVaultName`),
            explicit ? "value" : "key",
          ),
        );
        continue;
      }
      // Names are case-insensitive in DNS.
      const key = name.toLowerCase();
      const first = seen.get(key);
      if (!first) {
        seen.set(key, tenant);
        continue;
      }
      const firstPath = first.spec.azure?.keyVaultName
        ? ["spec", "azure", "keyVaultName"]
        : ["spec", "azure"];
      diagnostics.push(
        report(
          this,
          tenant,
          path,
          `Key Vault name "${name}" is also tenant "${first.name}"'s (${place(first, firstPath)}); ` +
            `Key Vault names are global: give one of them another spec.azure.keyVaultName`,
          explicit ? "value" : "key",
        ),
      );
    }
    return diagnostics;
  },
};
