import { TenantKeyVault } from "../../../components/azure/tenant-key-vault.js";
import { defineConcern } from "./concern.js";

/**
 * Delivery to Azure Key Vault: for a tenant with spec.azure and at least one secret with
 * spec.delivery.azureKeyVault, its Key Vault with those secrets (no values: the rotation writes
 * them), read access for the consumers with an Azure identity, and audit logs to Log Analytics.
 */
export const azureDelivery = defineConcern({
  name: "azure-delivery",
  settings: ({ settings }) => ({ writerPrincipalId: settings.azureWriterPrincipalId }),
  components: ({ tenant, options }, { writerPrincipalId }) => {
    const azure = tenant.azure;
    const delivered = tenant.secrets.filter((s) => s.azureKeyVault);
    if (!azure || delivered.length === 0) return [];
    return [
      new TenantKeyVault(
        tenant.name,
        {
          tenant: tenant.name,
          azure,
          secrets: delivered.map((secret) => ({
            secret: secret.name,
            name: secret.azureKeyVault!.name,
            contentType: secret.azureKeyVault!.contentType,
            readers: secret.consumers.flatMap((consumer) =>
              consumer.azure
                ? [
                    {
                      service: consumer.name,
                      principalId: consumer.azure.principalId,
                      principalType: consumer.azure.principalType,
                    },
                  ]
                : [],
            ),
          })),
          ...(writerPrincipalId && { writerPrincipalId }),
        },
        options,
      ),
    ];
  },
});
