import { IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/** SDK clients acting in one moto account: moto switches account on an assumed role's ARN. */
export interface AccountSdk {
  readonly account: string;
  readonly region: string;
  readonly secrets: SecretsManagerClient;
  readonly kms: KMSClient;
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
  destroy(): void;
}

const BASE = { accessKeyId: "testing", secretAccessKey: "testing" };

export async function accountSdk(
  endpoint: string,
  account: string,
  region: string,
): Promise<AccountSdk> {
  const sts = new STSClient({ endpoint, region, credentials: BASE });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/test-admin`,
      RoleSessionName: "seed",
    }),
  );
  sts.destroy();
  const credentials = {
    accessKeyId: c!.AccessKeyId!,
    secretAccessKey: c!.SecretAccessKey!,
    sessionToken: c!.SessionToken!,
  };
  const options = { endpoint, region, credentials };
  const sdk = {
    account,
    region,
    secrets: new SecretsManagerClient(options),
    kms: new KMSClient(options),
    lambda: new LambdaClient(options),
    iam: new IAMClient(options),
  };
  return {
    ...sdk,
    destroy() {
      sdk.secrets.destroy();
      sdk.kms.destroy();
      sdk.lambda.destroy();
      sdk.iam.destroy();
    },
  };
}

/** The environment the CLI runs with against moto: base credentials, endpoint, region. */
export function motoEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: "us-east-1",
  };
}
