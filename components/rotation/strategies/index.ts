import type { SecretType } from "../../../program/documents.js";
import type { AwsClients } from "../aws/clients.js";
import type { Strategy } from "../strategy.js";

/**
 * Loaded on demand, so a Lambda rotating API keys never loads a database driver. `aws`: the
 * clients aws-iam-key uses, the only strategy about AWS itself.
 */
export async function strategyFor(type: SecretType, deps: { aws: AwsClients }): Promise<Strategy> {
  switch (type) {
    case "postgres":
      return (await import("./postgres.js")).postgres;
    case "mysql":
      return (await import("./mysql.js")).mysql;
    case "api-key":
      return (await import("./api-key.js")).apiKey;
    case "webhook":
      return (await import("./webhook.js")).webhook;
    case "aws-iam-key":
      return (await import("./aws-iam-key.js")).awsIamKey(deps.aws);
    case "generic":
      return (await import("./generic.js")).generic;
  }
}
