import { KMSClient } from "@aws-sdk/client-kms";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { awsClient, credentialsFromEnv, type AwsConfig } from "../clients.js";
import { driftExternalId, driftReaderRoleArn } from "../drift-reader-policy.js";

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

/** The clients the live reader reads one account and region with. */
export interface AccountClients {
  readonly secrets: SecretsManagerClient;
  readonly kms: KMSClient;
}

type Service = "SECRETS_MANAGER" | "KMS" | "STS";

/**
 * The configuration of one service's client: the standard service-specific endpoint variable
 * (AWS_ENDPOINT_URL_SECRETS_MANAGER, …) first, then AWS_ENDPOINT_URL, as the SDK reads them; the
 * SDK's adaptive retry mode, which absorbs throttling.
 */
function config(
  access: AwsAccess,
  region: string,
  credentials: NonNullable<AwsConfig["credentials"]>,
  service: Service,
): AwsConfig {
  const endpoint = access.env[`AWS_ENDPOINT_URL_${service}`] ?? access.env.AWS_ENDPOINT_URL;
  return {
    region,
    credentials,
    retryMode: "adaptive",
    maxAttempts: access.maxAttempts ?? 5,
    ...(endpoint && { endpoint }),
    ...(access.onCall && { onCall: access.onCall }),
  };
}

/**
 * Clients for one account and region: with the reader role assumed (ExternalId from the tenant
 * and the installation) unless assumeRole is false, when the base credentials are used as they are.
 */
export async function accountClients(
  access: AwsAccess,
  target: { account: string; region: string; tenant: string },
): Promise<AccountClients> {
  let credentials: NonNullable<AwsConfig["credentials"]> =
    credentialsFromEnv(access.env) ?? fromNodeProviderChain();
  if (access.assumeRole !== false) {
    const sts = awsClient(STSClient, "sts", config(access, target.region, credentials, "STS"));
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
  const secrets = awsClient(
    SecretsManagerClient,
    "secretsmanager",
    config(access, target.region, credentials, "SECRETS_MANAGER"),
  );
  const kms = awsClient(KMSClient, "kms", config(access, target.region, credentials, "KMS"));
  return { secrets, kms };
}

export function destroyClients(clients: AccountClients): void {
  clients.secrets.destroy();
  clients.kms.destroy();
}

/** The account of the base credentials (STS GetCallerIdentity), where discover searches. */
export async function identifyAccount(access: AwsAccess, region: string): Promise<string> {
  const credentials = credentialsFromEnv(access.env);
  const endpoint = access.env.AWS_ENDPOINT_URL_STS ?? access.env.AWS_ENDPOINT_URL;
  const sts = awsClient(STSClient, "sts", {
    region,
    ...(credentials && { credentials }),
    ...(endpoint && { endpoint }),
    ...(access.onCall && { onCall: access.onCall }),
  });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error("GetCallerIdentity returned no account");
    return identity.Account;
  } finally {
    sts.destroy();
  }
}
