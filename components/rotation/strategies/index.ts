import type { SecretType } from "../../../program/documents.js";
import type { Strategy } from "../strategy.js";

/** Loaded on demand, so a Lambda rotating API keys never loads a database driver. */
export async function strategyFor(type: SecretType): Promise<Strategy> {
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
      return (await import("./aws-iam-key.js")).awsIamKey;
    case "generic":
      return (await import("./generic.js")).generic;
  }
}
