import type { Diagnostic } from "../diagnostics.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * What a vault tenant cannot have: the features that copy or read the secret through Secrets
 * Manager. Kubernetes delivery and the Azure Key Vault copy are wired to the Secrets Manager secret
 * and its rotation function, and disaster recovery replicates Secrets Manager secrets; a vault
 * tenant has none of those (the program makes no Secrets Manager secret for it).
 */
export const vaultStoreDelivery: PolicyRule = {
  id: "vault-store-delivery",
  severity: "error",
  description:
    "A tenant on a vault store uses no Secrets Manager feature: no spec.delivery (Kubernetes, Azure Key Vault) on its secrets, no spec.disasterRecovery.",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    const onVault = (tenant: string) =>
      policies.tenantByName.get(tenant)?.spec.store?.type === "vault";
    for (const tenant of policies.tenants) {
      if (tenant.spec.store?.type !== "vault" || !tenant.spec.disasterRecovery) continue;
      diagnostics.push(
        report(
          this,
          tenant,
          ["spec", "disasterRecovery"],
          `tenant "${tenant.name}" keeps its secrets in a vault store, and disaster recovery replicates Secrets Manager secrets; remove spec.disasterRecovery (replicate OpenBao itself), or use store type aws-secrets-manager`,
          "key",
        ),
      );
    }
    for (const secret of policies.secrets) {
      if (!onVault(secret.tenant)) continue;
      for (const target of ["kubernetes", "azureKeyVault"] as const) {
        if (!secret.spec.delivery?.[target]) continue;
        diagnostics.push(
          report(
            this,
            secret,
            ["spec", "delivery", target],
            `secret "${secret.name}" of tenant "${secret.tenant}" is in a vault store, and delivery to ${target === "kubernetes" ? "Kubernetes" : "Azure Key Vault"} reads Secrets Manager; remove spec.delivery.${target}, or use store type aws-secrets-manager`,
            "key",
          ),
        );
      }
    }
    return diagnostics;
  },
};
