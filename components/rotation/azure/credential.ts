import type { TokenCredential } from "@azure/identity";
import type { KeyVaultDeliveryConfig } from "../config.js";

/** Reads a Secrets Manager secret's current value (the Lambda's Azure client credential). */
export type ReadSecret = (secretId: string) => Promise<string | undefined>;

export class AzureCredentialError extends Error {
  override name = "AzureCredentialError";
}

/**
 * The identity the rotation writes Key Vault versions as, through @azure/identity:
 * 1. `config.credentialSecret` (the Lambda; stack setting vaultpilot:azureCredentialSecret): a
 *    Secrets Manager secret `{"clientId": "...", "clientSecret": "..."}` of a Microsoft Entra
 *    application, signed in to the vault's Entra tenant (ClientSecretCredential);
 * 2. else AZURE_CLIENT_ID and AZURE_CLIENT_SECRET in the environment (AZURE_TENANT_ID, if set,
 *    must be the vault's tenant): ClientSecretCredential;
 * 3. else DefaultAzureCredential: workload identity, managed identity, or `az login`.
 * AZURE_AUTHORITY_HOST points sign-in elsewhere than login.microsoftonline.com (sovereign clouds,
 * the test stand-in); instance discovery is then off, as that host is the authority itself.
 */
export async function azureCredential(
  config: KeyVaultDeliveryConfig,
  readSecret: ReadSecret,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<TokenCredential> {
  const identity = await import("@azure/identity");
  const authority = env.AZURE_AUTHORITY_HOST
    ? { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true }
    : {};
  if (config.credentialSecret) {
    const text = await readSecret(config.credentialSecret);
    let parsed: { clientId?: unknown; clientSecret?: unknown } = {};
    try {
      parsed = text ? (JSON.parse(text) as typeof parsed) : {};
    } catch {
      // Reported below, without the text.
    }
    if (typeof parsed.clientId !== "string" || typeof parsed.clientSecret !== "string")
      throw new AzureCredentialError(
        `Secrets Manager secret ${config.credentialSecret} must hold {"clientId": "...", "clientSecret": "..."}`,
      );
    return new identity.ClientSecretCredential(
      config.entraTenantId,
      parsed.clientId,
      parsed.clientSecret,
      authority,
    );
  }
  if (env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET) {
    return new identity.ClientSecretCredential(
      env.AZURE_TENANT_ID ?? config.entraTenantId,
      env.AZURE_CLIENT_ID,
      env.AZURE_CLIENT_SECRET,
      authority,
    );
  }
  return new identity.DefaultAzureCredential({ tenantId: config.entraTenantId, ...authority });
}
