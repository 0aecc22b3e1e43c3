import { ECSClient } from "@aws-sdk/client-ecs";
import { EKSClient } from "@aws-sdk/client-eks";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";

/**
 * The SDK's usual configuration, made explicit only where the caller has it (the CLI passes its
 * environment); anything left out falls back to the SDK's own chain: AWS_PROFILE, AWS_REGION,
 * AWS_ENDPOINT_URL, ~/.aws/config, the Lambda role.
 */
export interface AwsConfig {
  readonly region?: string;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Called once per API call, for the benchmark's count. */
  readonly onCall?: (service: string, command: string) => void;
}

export function awsConfigFromEnv(env: Readonly<Record<string, string | undefined>>): AwsConfig {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const endpoint = env.AWS_ENDPOINT_URL;
  const profile = env.AWS_PROFILE;
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
        }
      : undefined;
  return {
    ...(region && { region }),
    ...(endpoint && { endpoint }),
    ...(profile && { profile }),
    ...(credentials && { credentials }),
  };
}

interface Constructible<C> {
  new (config: object): C;
}

interface WithStack {
  middlewareStack: { add(middleware: unknown, options: object): void };
}

/** SDK clients made on first use and shared. */
export class AwsClients {
  private readonly made = new Map<string, unknown>();
  constructor(readonly config: AwsConfig = {}) {}

  secretsManager = () => this.client("secretsmanager", SecretsManagerClient);
  sns = () => this.client("sns", SNSClient);
  ecs = () => this.client("ecs", ECSClient);
  eks = () => this.client("eks", EKSClient);
  lambda = () => this.client("lambda", LambdaClient);
  ssm = () => this.client("ssm", SSMClient);
  iam = () => this.client("iam", IAMClient);
  sts = () => this.client("sts", STSClient);

  /** A client of the same service with other credentials (to test a new IAM key). */
  withCredentials(credentials: { accessKeyId: string; secretAccessKey: string }): AwsClients {
    return new AwsClients({ ...this.config, credentials, profile: undefined });
  }

  destroy(): void {
    for (const client of this.made.values()) (client as { destroy(): void }).destroy();
    this.made.clear();
  }

  private client<C>(service: string, Client: Constructible<C>): C {
    let client = this.made.get(service) as C | undefined;
    if (!client) {
      const { region, endpoint, profile, credentials, onCall } = this.config;
      client = new Client({
        ...(region && { region }),
        ...(endpoint && { endpoint }),
        ...(profile && { profile }),
        ...(credentials && { credentials }),
      });
      if (onCall) {
        (client as WithStack).middlewareStack.add(
          (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
            (args: unknown) => {
              onCall(service, context.commandName ?? "unknown");
              return next(args);
            },
          { step: "initialize", name: "vaultpilotCallCounter" },
        );
      }
      this.made.set(service, client);
    }
    return client;
  }
}
