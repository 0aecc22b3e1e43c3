import { doc } from "./validate-text.js";

export const SUBSCRIPTION = "5f1c8a2e-7b3d-4c9e-9a61-0d2f4e8b7c15";
export const ENTRA_TENANT = "9d3e6b1a-2c4f-4e8d-b7a0-61f5c2d9e3a4";
export const WORKSPACE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/observability/providers/Microsoft.OperationalInsights/workspaces/audit`;

/** A Tenant document with an Azure home; `azure` lines replace or add fields (YAML, indented 4). */
export function azureTenant(name: string, fields: Record<string, string> = {}): string {
  const azure: Record<string, string> = {
    subscriptionId: SUBSCRIPTION,
    resourceGroup: `${name}-secrets`,
    location: "westeurope",
    tenantId: ENTRA_TENANT,
    logAnalyticsWorkspaceId: WORKSPACE,
    ...fields,
  };
  return (
    doc.tenant(name) +
    "  azure:\n" +
    Object.entries(azure)
      .map(
        ([k, v]) => `    ${k}: ${v.startsWith("[") || v.startsWith("{") ? v : JSON.stringify(v)}\n`,
      )
      .join("")
  );
}

/** A generic Secret delivered to the tenant's Key Vault (`name`: its name there). */
export function deliveredSecret(name: string, tenant: string, keyVaultName?: string): string {
  return (
    doc.secret(name, tenant, "monthly") +
    "  delivery:\n    azureKeyVault:" +
    (keyVaultName ? `\n      name: ${keyVaultName}\n` : " {}\n")
  );
}
