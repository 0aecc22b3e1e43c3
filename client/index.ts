// The secret client (`import { getSecret } from "vaultpilot/client"`): services read their
// tenant's secrets through an in-memory cache sealed with AES-256-GCM. Only re-exports, and the
// process-wide default client behind getSecret and verifyWebhookSignature.
import { SecretClient, type GetSecretOptions, type SecretClientOptions } from "./secret-client.js";
import {
  verifyWebhookSignature as verifyWith,
  type WebhookSignatureInput,
  type WebhookVerification,
} from "./webhook.js";

export {
  SecretClient,
  SecretCache,
  type CacheEntry,
  type ClientLogEvent,
  type GetSecretOptions,
  type SecretClientOptions,
} from "./secret-client.js";
export { SecretUnavailable, SecretIntegrityError, type UnavailableReason } from "./errors.js";
export {
  SourceUnreachable,
  SourceSecretNotFound,
  type SecretSource,
  type DataKeySource,
  type SecretRef,
  type ReadStage,
  type SourcedValue,
} from "./source.js";
export { SecretsManagerSource } from "./sources/aws-secrets-manager.js";
export { KmsDataKeys } from "./kms-data-keys.js";
export { signWebhook, type WebhookSignatureInput, type WebhookVerification } from "./webhook.js";

let shared: SecretClient | undefined;

/**
 * The process's default client, made on first use from the environment (AWS_REGION, credentials,
 * AWS_ENDPOINT_URL) with `options` (only the first call's options apply).
 */
export function defaultSecretClient(options?: SecretClientOptions): SecretClient {
  shared ??= new SecretClient(options);
  return shared;
}

/** Closes the default client: its data keys are zeroed and its entries dropped. */
export function closeDefaultSecretClient(): void {
  shared?.close();
  shared = undefined;
}

/** The value of secret `name` of `tenant`, through the default client's cache. */
export function getSecret(
  tenant: string,
  name: string,
  options?: GetSecretOptions & { readonly client?: SecretClient },
): Promise<string> {
  return (options?.client ?? defaultSecretClient()).getSecret(tenant, name, options);
}

/** Verifies a webhook signature against the current and, during the overlap, the previous signing secret. */
export function verifyWebhookSignature(
  tenant: string,
  name: string,
  input: WebhookSignatureInput & { readonly client?: SecretClient; readonly now?: number },
): Promise<WebhookVerification> {
  return verifyWith(input.client ?? defaultSecretClient(), tenant, name, input, input.now);
}
