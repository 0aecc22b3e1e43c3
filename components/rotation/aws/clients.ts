import { ECSClient } from "@aws-sdk/client-ecs";
import { EKSClient } from "@aws-sdk/client-eks";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { awsClient, type AwsClientClass, type AwsConfig } from "../../../cloud/aws/clients.js";

export { awsConfigFromEnv, type AwsConfig } from "../../../cloud/aws/clients.js";

/** The rotation runtime's SDK clients, made on first use (by cloud/aws/clients.ts) and shared. */
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

  private client<C>(service: string, Client: AwsClientClass<C>): C {
    let client = this.made.get(service) as C | undefined;
    if (!client) {
      client = awsClient(Client, service, this.config);
      this.made.set(service, client);
    }
    return client;
  }
}
