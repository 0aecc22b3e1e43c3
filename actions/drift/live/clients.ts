import { KMSClient } from "@aws-sdk/client-kms";
import {
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { driftExternalId, driftReaderRoleArn } from "../reader-role.js";

/** How the live reader reaches AWS. */
export interface AwsAccess {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Called once per API call (not per retry), for the benchmark and --verbose counts. */
  readonly onCall?: (service: string, operation: string) => void;
  /** Attempts per call, throttling retries included (adaptive mode). @default 5 */
  readonly maxAttempts?: number;
  /** Assume the per-tenant reader role in each account. @default true */
  readonly assumeRole?: boolean;
  /** Names the installation in every ExternalId. */
  readonly installation: string;
}

export interface AccountClients {
  readonly secrets: SecretsManagerClient;
  readonly kms: KMSClient;
}

type Credentials = NonNullable<SecretsManagerClientConfig["credentials"]>;

interface ClientConfig {
  region: string;
  credentials: Credentials;
  retryMode: "adaptive";
  maxAttempts: number;
  endpoint?: string;
}

function baseCredentials(access: AwsAccess): Credentials {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = access.env;
  if (AWS_ACCESS_KEY_ID && AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS_SECRET_ACCESS_KEY,
      ...(AWS_SESSION_TOKEN && { sessionToken: AWS_SESSION_TOKEN }),
    };
  }
  return fromNodeProviderChain();
}

/** The standard service-specific variable first, then AWS_ENDPOINT_URL, as the SDK reads them. */
function endpointFor(env: AwsAccess["env"], service: "SECRETS_MANAGER" | "KMS" | "STS") {
  return env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
}

function config(
  access: AwsAccess,
  region: string,
  credentials: ClientConfig["credentials"],
  service: "SECRETS_MANAGER" | "KMS" | "STS",
): ClientConfig {
  const endpoint = endpointFor(access.env, service);
  return {
    region,
    credentials,
    retryMode: "adaptive",
    maxAttempts: access.maxAttempts ?? 5,
    ...(endpoint && { endpoint }),
  };
}

/** Calls `onCall` once per command sent (the initialize step; retries happen later, in finalizeRequest). */
function counter(service: string, access: AwsAccess) {
  const onCall = access.onCall;
  return <A, R>(next: (args: A) => Promise<R>, context: { commandName?: string }) =>
    (args: A) => {
      onCall?.(service, String(context.commandName ?? "unknown"));
      return next(args);
    };
}

const COUNTER = { step: "initialize", name: "vaultpilotCallCounter" } as const;

/**
 * Clients for one account and region: with the reader role assumed (ExternalId from the tenant
 * and the installation) unless assumeRole is false, when the base credentials are used as they are.
 */
export async function accountClients(
  access: AwsAccess,
  target: { account: string; region: string; tenant: string },
): Promise<AccountClients> {
  let credentials: Credentials = baseCredentials(access);
  if (access.assumeRole !== false) {
    const sts = new STSClient(config(access, target.region, credentials, "STS"));
    sts.middlewareStack.add(counter("sts", access), COUNTER);
    try {
      const assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: driftReaderRoleArn(target.account, target.tenant),
          RoleSessionName: "vaultpilot-drift",
          ExternalId: driftExternalId(target.tenant, access.installation),
          DurationSeconds: 3600,
        }),
      );
      const c = assumed.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error("AssumeRole returned no credentials");
      credentials = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken && { sessionToken: c.SessionToken }),
      };
    } finally {
      sts.destroy();
    }
  }
  const secrets = new SecretsManagerClient(
    config(access, target.region, credentials, "SECRETS_MANAGER"),
  );
  secrets.middlewareStack.add(counter("secretsmanager", access), COUNTER);
  const kms = new KMSClient(config(access, target.region, credentials, "KMS"));
  kms.middlewareStack.add(counter("kms", access), COUNTER);
  return { secrets, kms };
}

export function destroyClients(clients: AccountClients): void {
  clients.secrets.destroy();
  clients.kms.destroy();
}
