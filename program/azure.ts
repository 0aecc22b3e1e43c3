import { createHash } from "node:crypto";
import locationList from "../cloud/azure/locations.json" with { type: "json" };

// The Azure part of the policy language (schemas/azure.defs.schema.json): the documents' shapes,
// the model's, and the facts about Azure names the rules and the program share.

/** A tenant's spec.azure, as the schema accepts it. */
export interface TenantAzureSpec {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tenantId: string;
  readonly keyVaultName?: string;
  readonly networkCidrs?: readonly string[];
  readonly customerManagedKey?: { readonly rotateEveryDays?: number };
  readonly logAnalyticsWorkspaceId: string;
}

/** A secret's spec.delivery.azureKeyVault. */
export interface AzureKeyVaultDeliverySpec {
  readonly name?: string;
  readonly contentType?: string;
}

/** A service's spec.azure. */
export interface ServiceAzureSpec {
  readonly principalId: string;
  readonly principalType?: AzurePrincipalType;
}

export type AzurePrincipalType = "ServicePrincipal" | "User" | "Group";

/** The tenant's Azure home in the model: defaults applied, the Key Vault's name resolved. */
export interface TenantAzure {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tenantId: string;
  readonly keyVaultName: string;
  /** Empty: public network access is off. */
  readonly networkCidrs: readonly string[];
  readonly customerManagedKey?: { readonly rotateEveryDays: number };
  readonly logAnalyticsWorkspaceId: string;
}

/** A secret's copy in the tenant's Key Vault. */
export interface AzureKeyVaultDelivery {
  readonly name: string;
  readonly contentType: string;
}

export interface ServiceAzure {
  readonly principalId: string;
  readonly principalType: AzurePrincipalType;
}

/** Every Azure public cloud region, from cloud/azure/locations.json (its `source` says where from). */
export const AZURE_LOCATIONS: readonly string[] = locationList.locations;

/** A GUID in its usual 8-4-4-4-12 hexadecimal form (subscription, Entra tenant and object ids). */
export const GUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Key Vault names: 3 to 24 characters, letters, digits and hyphens, starting with a letter,
 * ending with a letter or digit, no two hyphens in a row; globally unique, since the name is the
 * vault's DNS name (<name>.vault.azure.net). Source: "Naming rules and restrictions for Azure
 * resources", Microsoft.KeyVault/vaults, https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault
 */
export const KEY_VAULT_NAME = { min: 3, max: 24 } as const;

/** What is wrong with a Key Vault name, in a phrase; undefined when it is valid. */
export function keyVaultNameProblem(name: string): string | undefined {
  if (name.length < KEY_VAULT_NAME.min || name.length > KEY_VAULT_NAME.max)
    return `is ${name.length} characters long; a Key Vault name has ${KEY_VAULT_NAME.min} to ${KEY_VAULT_NAME.max}`;
  if (!/^[0-9A-Za-z-]+$/.test(name)) return "may hold only letters, digits and '-'";
  if (!/^[A-Za-z]/.test(name)) return "must start with a letter";
  if (!/[0-9A-Za-z]$/.test(name)) return "must end with a letter or a digit";
  if (name.includes("--")) return "may not hold two hyphens in a row";
  return undefined;
}

/** Characters of the hash in a derived name: 16^6 names per tenant name across installations. */
const HASH_LENGTH = 6;

/**
 * The default Key Vault name of a tenant: its name, cut to fit and without double hyphens, a
 * hyphen, and a hash of the tenant's name and subscription. Vault names are global (DNS), so the
 * hash keeps two installations' tenants of the same name apart; the same tenant and subscription
 * always give the same name (no drift between runs).
 */
export function defaultKeyVaultName(tenant: string, subscriptionId: string): string {
  const hash = createHash("sha256")
    .update(`${tenant}\n${subscriptionId.toLowerCase()}`)
    .digest("hex")
    .slice(0, HASH_LENGTH);
  const room = KEY_VAULT_NAME.max - HASH_LENGTH - 1;
  const prefix = tenant.replace(/-+/g, "-").slice(0, room).replace(/-+$/, "");
  return `${prefix}-${hash}`;
}

/** The tenant's Key Vault name: spec.azure.keyVaultName, else the derived one. */
export function keyVaultNameOf(tenant: string, azure: TenantAzureSpec): string {
  return azure.keyVaultName ?? defaultKeyVaultName(tenant, azure.subscriptionId);
}

/** The Key Vault's data-plane URL. */
export function keyVaultUrl(name: string): string {
  return `https://${name}.vault.azure.net`;
}

/** Defaults of spec.azure.customerManagedKey.rotateEveryDays (schema description). */
export const DEFAULT_KEY_ROTATION_DAYS = 365;

/** Defaults of spec.delivery.azureKeyVault.contentType (schema description). */
export const DEFAULT_CONTENT_TYPE = "application/json";

export function toTenantAzure(tenant: string, spec: TenantAzureSpec): TenantAzure {
  return {
    subscriptionId: spec.subscriptionId,
    resourceGroup: spec.resourceGroup,
    location: spec.location,
    tenantId: spec.tenantId,
    keyVaultName: keyVaultNameOf(tenant, spec),
    networkCidrs: [...(spec.networkCidrs ?? [])],
    ...(spec.customerManagedKey && {
      customerManagedKey: {
        rotateEveryDays: spec.customerManagedKey.rotateEveryDays ?? DEFAULT_KEY_ROTATION_DAYS,
      },
    }),
    logAnalyticsWorkspaceId: spec.logAnalyticsWorkspaceId,
  };
}

export function toKeyVaultDelivery(
  secret: string,
  spec: AzureKeyVaultDeliverySpec,
): AzureKeyVaultDelivery {
  return { name: spec.name ?? secret, contentType: spec.contentType ?? DEFAULT_CONTENT_TYPE };
}

export function toServiceAzure(spec: ServiceAzureSpec): ServiceAzure {
  return { principalId: spec.principalId, principalType: spec.principalType ?? "ServicePrincipal" };
}
