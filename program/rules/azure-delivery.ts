import type { Diagnostic } from "../diagnostics.js";
import { place, report, type PolicyRule } from "./rule.js";

/**
 * Delivery to Azure needs somewhere to go: the tenant's Key Vault (spec.azure). Within one vault a
 * secret name (case-insensitive in Key Vault) may hold only one policy secret, or two secrets
 * would overwrite each other's versions.
 */
export const azureDelivery: PolicyRule = {
  id: "azure-delivery",
  severity: "error",
  description:
    "A Secret with spec.delivery.azureKeyVault needs a Tenant with spec.azure, and a Key Vault secret name no other secret of the tenant uses.",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const [tenantName, secrets] of policies.secretsByTenant) {
      const tenant = policies.tenantByName.get(tenantName);
      const names = new Map<string, (typeof secrets)[number]>();
      for (const secret of secrets) {
        const delivery = secret.spec.delivery?.azureKeyVault;
        if (!delivery) continue;
        if (tenant && !tenant.spec.azure) {
          diagnostics.push(
            report(
              this,
              secret,
              ["spec", "delivery", "azureKeyVault"],
              `secret "${secret.name}" is delivered to Azure Key Vault, but tenant "${tenantName}" has no Azure home; ` +
                `add spec.azure to the tenant (${place(tenant, ["spec"])}) or remove spec.delivery.azureKeyVault`,
              "key",
            ),
          );
          continue;
        }
        const name = delivery.name ?? secret.name;
        const first = names.get(name.toLowerCase());
        if (!first) {
          names.set(name.toLowerCase(), secret);
          continue;
        }
        // A secret defined twice is duplicate-name's to report.
        if (first.name === secret.name) continue;
        diagnostics.push(
          report(
            this,
            secret,
            delivery.name
              ? ["spec", "delivery", "azureKeyVault", "name"]
              : ["spec", "delivery", "azureKeyVault"],
            `secret "${secret.name}" would be "${name}" in tenant "${tenantName}"'s Key Vault, like secret "${first.name}" ` +
              `(${place(first, ["spec", "delivery", "azureKeyVault"])}); Key Vault names ignore case: use another spec.delivery.azureKeyVault.name`,
            delivery.name ? "value" : "key",
          ),
        );
      }
    }
    return diagnostics;
  },
};
