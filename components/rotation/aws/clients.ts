import { createRequire } from "node:module";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { EKSClient } from "@aws-sdk/client-eks";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import { awsClient, type AwsClientClass, type AwsConfig } from "../../../cloud/aws/clients.js";

export { awsConfigFromEnv, type AwsConfig } from "../../../cloud/aws/clients.js";

// Each service's SDK package is loaded when its client is first asked for: a rotation of a
// database secret without consumers needs Secrets Manager only, and loading all eight packages
// took longer than the rotation's own four steps (bench:startup). In the Lambda bundle (an ES
// module) this resolves the SDK the runtime ships, as the runtime's NODE_PATH lends it to require.
const load = createRequire(import.meta.url);
const sdk =
  <C>(pkg: string, name: string) =>
  () =>
    (load(pkg) as Record<string, AwsClientClass<C>>)[name]!;

/** The rotation runtime's SDK clients, made on first use (by cloud/aws/clients.ts) and shared. */
export class AwsClients {
  private readonly made = new Map<string, unknown>();
  constructor(readonly config: AwsConfig = {}) {}

  secretsManager = () =>
    this.client<SecretsManagerClient>(
      "secretsmanager",
      sdk("@aws-sdk/client-secrets-manager", "SecretsManagerClient"),
    );
  sns = () => this.client<SNSClient>("sns", sdk("@aws-sdk/client-sns", "SNSClient"));
  ecs = () => this.client<ECSClient>("ecs", sdk("@aws-sdk/client-ecs", "ECSClient"));
  eks = () => this.client<EKSClient>("eks", sdk("@aws-sdk/client-eks", "EKSClient"));
  lambda = () => this.client<LambdaClient>("lambda", sdk("@aws-sdk/client-lambda", "LambdaClient"));
  ssm = () => this.client<SSMClient>("ssm", sdk("@aws-sdk/client-ssm", "SSMClient"));
  iam = () => this.client<IAMClient>("iam", sdk("@aws-sdk/client-iam", "IAMClient"));
  sts = () => this.client<STSClient>("sts", sdk("@aws-sdk/client-sts", "STSClient"));

  /** A client of the same service with other credentials (to test a new IAM key). */
  withCredentials(credentials: { accessKeyId: string; secretAccessKey: string }): AwsClients {
    return new AwsClients({ ...this.config, credentials, profile: undefined });
  }

  destroy(): void {
    for (const client of this.made.values()) (client as { destroy(): void }).destroy();
    this.made.clear();
  }

  private client<C>(service: string, Client: () => AwsClientClass<C>): C {
    let client = this.made.get(service) as C | undefined;
    if (!client) {
      client = awsClient(Client(), service, this.config);
      this.made.set(service, client);
    }
    return client;
  }
}
