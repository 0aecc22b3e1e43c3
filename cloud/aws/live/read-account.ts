import {
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import {
  GetResourcePolicyCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  type SecretListEntry,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { AccountClients } from "./account-clients.js";
import { mapLimit } from "./concurrency.js";
import { pendingVersion, type LiveAccount, type LiveKey, type LiveSecret } from "./state.js";

export interface ReadOptions {
  readonly account: string;
  readonly region: string;
  /** Aliases whose keys are described (DescribeKey + GetKeyRotationStatus each). */
  readonly keyAliases: readonly string[];
  /** Secrets that get a closer look when a rotation is in progress; all when undefined. */
  readonly closerLook?: (secret: LiveSecret) => boolean;
  /** Secret names whose resource policy is read (one call each): --deep. */
  readonly deepSecrets?: ReadonlySet<string>;
  readonly concurrency: number;
  readonly onProgress?: (event: { secrets?: number; keys?: number }) => void;
}

/**
 * The live state of one account and region: ListSecrets pages (100 a page), ListAliases pages,
 * DescribeKey and GetKeyRotationStatus per tenant key; per-secret calls only for a secret with
 * a rotation in progress (ListSecretVersionIds, for the AWSPENDING version's age) and, with
 * --deep, for resource policies.
 */
export async function readAccount(
  clients: AccountClients,
  options: ReadOptions,
): Promise<LiveAccount> {
  const [secrets, aliases] = await Promise.all([
    listSecrets(clients.secrets, options),
    listAliases(clients.kms),
  ]);
  const keyIds = [
    ...new Set(
      options.keyAliases.map((alias) => aliases.get(alias)).filter((id) => id !== undefined),
    ),
  ];
  const described = await mapLimit(keyIds, options.concurrency, async (keyId) => {
    const key = await describeKey(clients.kms, keyId);
    options.onProgress?.({ keys: 1 });
    return key;
  });
  const keys = new Map(described.map((key) => [key.keyId, key]));

  const pending = secrets.filter(
    (secret) => pendingVersion(secret) !== undefined && (options.closerLook?.(secret) ?? true),
  );
  await mapLimit(pending, options.concurrency, async (secret) => {
    secret.pendingCreated = await pendingCreated(clients.secrets, secret);
  });
  const deep = options.deepSecrets;
  if (deep) {
    await mapLimit(
      secrets.filter((secret) => deep.has(secret.name) && !secret.deletedDate),
      options.concurrency,
      async (secret) => {
        const answer = await clients.secrets.send(
          new GetResourcePolicyCommand({ SecretId: secret.arn }),
        );
        secret.resourcePolicy = answer.ResourcePolicy ?? null;
      },
    );
  }
  return { account: options.account, region: options.region, secrets, aliases, keys };
}

async function listSecrets(
  client: SecretsManagerClient,
  options: Pick<ReadOptions, "onProgress">,
): Promise<LiveSecret[]> {
  const secrets: LiveSecret[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListSecretsCommand({ MaxResults: 100, IncludePlannedDeletion: true, NextToken: token }),
    );
    for (const entry of page.SecretList ?? []) secrets.push(toLiveSecret(entry));
    options.onProgress?.({ secrets: page.SecretList?.length ?? 0 });
    token = page.NextToken;
  } while (token);
  return secrets;
}

/** One ListSecrets entry (SecretListEntry) as the checks read it; the value is never part of it. */
export function toLiveSecret(entry: SecretListEntry): LiveSecret {
  const rules = entry.RotationRules;
  return {
    arn: entry.ARN ?? "",
    name: entry.Name ?? "",
    ...(entry.KmsKeyId && { kmsKeyId: entry.KmsKeyId }),
    tags: Object.fromEntries((entry.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
    rotationEnabled: entry.RotationEnabled === true,
    ...(entry.RotationLambdaARN && { rotationLambdaArn: entry.RotationLambdaARN }),
    ...(rules && {
      rotationRules: {
        ...(rules.AutomaticallyAfterDays && {
          automaticallyAfterDays: rules.AutomaticallyAfterDays,
        }),
        ...(rules.ScheduleExpression && { scheduleExpression: rules.ScheduleExpression }),
        ...(rules.Duration && { duration: rules.Duration }),
      },
    }),
    ...(entry.LastRotatedDate && { lastRotatedDate: entry.LastRotatedDate }),
    ...(entry.CreatedDate && { createdDate: entry.CreatedDate }),
    ...(entry.LastAccessedDate && { lastAccessedDate: entry.LastAccessedDate }),
    ...(entry.DeletedDate && { deletedDate: entry.DeletedDate }),
    versionStages: entry.SecretVersionsToStages ?? {},
  };
}

async function listAliases(client: KMSClient): Promise<Map<string, string>> {
  const aliases = new Map<string, string>();
  let marker: string | undefined;
  do {
    const page = await client.send(new ListAliasesCommand({ Limit: 100, Marker: marker }));
    for (const alias of page.Aliases ?? []) {
      if (alias.AliasName && alias.TargetKeyId) aliases.set(alias.AliasName, alias.TargetKeyId);
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return aliases;
}

async function describeKey(client: KMSClient, keyId: string): Promise<LiveKey> {
  const { KeyMetadata: meta } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
  const keyState = meta?.KeyState ?? "Unknown";
  const base = {
    keyId: meta?.KeyId ?? keyId,
    arn: meta?.Arn ?? "",
    enabled: meta?.Enabled === true,
    keyState,
    ...(meta?.DeletionDate && { deletionDate: meta.DeletionDate }),
  };
  // KMS refuses GetKeyRotationStatus on a key pending deletion; that finding says enough.
  if (keyState === "PendingDeletion" || keyState === "PendingReplicaDeletion") return base;
  const rotation = await client.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
  return { ...base, rotationEnabled: rotation.KeyRotationEnabled === true };
}

async function pendingCreated(
  client: SecretsManagerClient,
  secret: LiveSecret,
): Promise<Date | undefined> {
  const version = pendingVersion(secret);
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListSecretVersionIdsCommand({ SecretId: secret.arn, MaxResults: 100, NextToken: token }),
    );
    const found = page.Versions?.find((v) => v.VersionId === version);
    if (found) return found.CreatedDate;
    token = page.NextToken;
  } while (token);
  return undefined;
}
