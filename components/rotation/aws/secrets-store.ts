import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretVersionsListEntry,
} from "@aws-sdk/client-secrets-manager";
import type { SecretDescription, SecretStore, VersionInfo } from "../ports.js";
import type { AwsClients } from "./clients.js";

/** Secrets Manager behind the SecretStore interface. */
export function secretsManagerStore(clients: AwsClients): SecretStore {
  const sm = clients.secretsManager();
  return {
    async describe(secretId, options = {}): Promise<SecretDescription> {
      const described = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
      const versions: VersionInfo[] = [];
      if (options.allVersions) {
        let NextToken: string | undefined;
        do {
          const page = await sm.send(
            new ListSecretVersionIdsCommand({
              SecretId: secretId,
              IncludeDeprecated: true,
              NextToken,
            }),
          );
          for (const entry of page.Versions ?? []) versions.push(toVersion(entry));
          NextToken = page.NextToken || undefined;
        } while (NextToken);
      } else {
        for (const [versionId, stages] of Object.entries(described.VersionIdsToStages ?? {})) {
          versions.push({ versionId, stages });
        }
      }
      return {
        arn: described.ARN ?? secretId,
        name: described.Name ?? secretId,
        rotationEnabled: described.RotationEnabled === true,
        versions,
      };
    },
    async value(secretId, select) {
      try {
        const found = await sm.send(
          new GetSecretValueCommand({
            SecretId: secretId,
            ...(select.versionId && { VersionId: select.versionId }),
            ...(select.stage && { VersionStage: select.stage }),
          }),
        );
        return found.SecretString ?? undefined;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    async putPending(secretId, token, value) {
      await sm.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: value,
          VersionStages: ["AWSPENDING"],
        }),
      );
    },
    async putVersion(secretId, token, value, stage) {
      await sm.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: value,
          VersionStages: [stage],
        }),
      );
    },
    async moveStage(secretId, stage, toVersion, fromVersion) {
      await sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: stage,
          ...(toVersion && { MoveToVersionId: toVersion }),
          ...(fromVersion && { RemoveFromVersionId: fromVersion }),
        }),
      );
    },
    async randomPassword(policy) {
      const drawn = await sm.send(
        new GetRandomPasswordCommand({
          PasswordLength: policy.length,
          ...(policy.exclude && { ExcludeCharacters: policy.exclude }),
          RequireEachIncludedType: true,
        }),
      );
      if (!drawn.RandomPassword) throw new Error("GetRandomPassword returned no password");
      return drawn.RandomPassword;
    },
  };
}

function toVersion(entry: SecretVersionsListEntry): VersionInfo {
  return {
    versionId: entry.VersionId ?? "",
    stages: entry.VersionStages ?? [],
    ...(entry.CreatedDate && { created: entry.CreatedDate }),
  };
}
