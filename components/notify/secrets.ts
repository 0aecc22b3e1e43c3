import type { AwsClients } from "../rotation/aws/clients.js";
import { stackConfigVariable, type SecretSource } from "../../program/notifications.js";

/**
 * The value behind a route's URL or key: a Secrets Manager secret's string, or a stack secret
 * config key, which reaches the CLI and the function as VAULTPILOT_NOTIFY_<KEY>. Errors name the
 * source, never a value. Values are read once per notifier.
 */
export function secretReader(
  clients: AwsClients,
  env: Readonly<Record<string, string | undefined>> = process.env,
): (source: SecretSource) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (source) => {
    const id =
      "secretsManager" in source ? `sm:${source.secretsManager}` : `cfg:${source.stackConfig}`;
    let value = cache.get(id);
    if (!value) {
      value = read(clients, env, source);
      cache.set(id, value);
      value.catch(() => cache.delete(id));
    }
    return value;
  };
}

async function read(
  clients: AwsClients,
  env: Readonly<Record<string, string | undefined>>,
  source: SecretSource,
): Promise<string> {
  if ("stackConfig" in source) {
    const variable = stackConfigVariable(source.stackConfig);
    const value = env[variable];
    if (!value)
      throw new Error(
        `stack config key ${source.stackConfig} is not set: export ${variable} (pulumi config get --show-secrets ${source.stackConfig})`,
      );
    return value.trim();
  }
  const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  try {
    const answer = await clients
      .secretsManager()
      .send(new GetSecretValueCommand({ SecretId: source.secretsManager }));
    if (!answer.SecretString) throw new Error("it has no string value");
    return answer.SecretString.trim();
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : "";
    throw new Error(`cannot read Secrets Manager secret ${source.secretsManager} (${why})`, {
      cause: error,
    });
  }
}
