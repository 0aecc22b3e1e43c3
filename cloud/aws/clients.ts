/**
 * The one place AWS SDK v3 clients are made: region, endpoint, credentials, profile, retry mode
 * and the call counter, for the rotation runtime (components/rotation), the live reader
 * (cloud/aws/live) and every command. No Pulumi, no command code: anything may import it.
 */

/** Access keys, as the SDK's `credentials` takes them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * The SDK's usual configuration, made explicit only where the caller has it (the CLI passes its
 * environment); anything left out falls back to the SDK's own chain: AWS_PROFILE, AWS_REGION,
 * AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>), ~/.aws/config, the Lambda role.
 */
export interface AwsConfig {
  readonly region?: string;
  readonly endpoint?: string;
  readonly profile?: string;
  /** Keys, or a provider function such as `fromNodeProviderChain()`. */
  readonly credentials?: AwsCredentials | (() => Promise<AwsCredentials>);
  /** The SDK's retry mode. @default - the SDK's ("standard") */
  readonly retryMode?: "standard" | "adaptive";
  /** Attempts per call, retries included. @default - the SDK's (3) */
  readonly maxAttempts?: number;
  /** Called once per API call (not per retry), for the benchmarks' and tests' counts. */
  readonly onCall?: (service: string, command: string) => void;
}

/** The configuration the environment gives: AWS_REGION (or AWS_DEFAULT_REGION), AWS_ENDPOINT_URL, AWS_PROFILE, access keys. */
export function awsConfigFromEnv(env: Readonly<Record<string, string | undefined>>): AwsConfig {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const endpoint = env.AWS_ENDPOINT_URL;
  const profile = env.AWS_PROFILE;
  const credentials = credentialsFromEnv(env);
  return {
    ...(region && { region }),
    ...(endpoint && { endpoint }),
    ...(profile && { profile }),
    ...(credentials && { credentials }),
  };
}

/** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, when both keys are set. */
export function credentialsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): AwsCredentials | undefined {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) return undefined;
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN && { sessionToken: AWS_SESSION_TOKEN }),
  };
}

/** An SDK client class: `new SecretsManagerClient(config)`. */
export interface AwsClientClass<C> {
  new (config: object): C;
}

interface WithMiddleware {
  middlewareStack: { add(middleware: unknown, options: object): void };
}

/** The counter's place in the middleware stack: once per command sent, before retries (finalizeRequest). */
const COUNTER = { step: "initialize", name: "vaultpilotCallCounter" } as const;

/**
 * A client of one service with `config` applied. `service` names it in `onCall` counts
 * ("secretsmanager", "kms", "sts", …).
 */
export function awsClient<C>(Client: AwsClientClass<C>, service: string, config: AwsConfig): C {
  const { region, endpoint, profile, credentials, retryMode, maxAttempts, onCall } = config;
  const client = new Client({
    ...(region && { region }),
    ...(endpoint && { endpoint }),
    ...(profile && { profile }),
    ...(credentials && { credentials }),
    ...(retryMode && { retryMode }),
    ...(maxAttempts !== undefined && { maxAttempts }),
  });
  if (onCall) {
    (client as WithMiddleware).middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        (args: unknown) => {
          onCall(service, context.commandName ?? "unknown");
          return next(args);
        },
      COUNTER,
    );
  }
  return client;
}
