import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  ClaimHeld,
  SecretNotFound,
  VersionConflict,
  type Claim,
  type SecretDescription,
  type SecretStore,
  type Stage,
  type VersionInfo,
} from "../ports.js";
import type { AwsClients } from "./clients.js";

/** Secrets Manager's staging labels for the logical stages. */
export const LABELS: Readonly<Record<Stage, string>> = {
  current: "AWSCURRENT",
  pending: "AWSPENDING",
  previous: "AWSPREVIOUS",
};

/**
 * The claim is a staging label of our own on a small version of its own: the version's id encodes
 * the holder and its expiry (`vaultpilot-claim-<expires ms>-<run>`, 32 to 64 characters as
 * ClientRequestToken requires), its value says the same in JSON (never a secret). It is taken by
 * UpdateSecretVersionStage with RemoveFromVersionId naming the version that held it when it was
 * seen: Secrets Manager refuses the move when the label sits elsewhere, so of two runs that saw the
 * same holder only one moves it (a compare-and-set; see the UpdateSecretVersionStage reference,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html).
 */
export const CLAIM_LABEL = "VAULTPILOT_CLAIM";
/**
 * A claim version must carry a label when it is written (PutSecretValue without one moves
 * AWSCURRENT to it): this one, which PutSecretValue moves to each new claim version. It never
 * sits on a version of the secret's values.
 */
export const CLAIMING_LABEL = "VAULTPILOT_CLAIMING";
const CLAIM_PREFIX = "vaultpilot-claim-";

/** The claim a version id encodes, or undefined when it is not a claim version. */
export function parseClaimVersion(versionId: string): Omit<Claim, "ref"> | undefined {
  const match = /^vaultpilot-claim-(\d{13})-([0-9a-z]{8,40})$/.exec(versionId);
  if (!match) return undefined;
  return { expires: new Date(Number(match[1])), run: match[2]! };
}

export function claimVersionId(run: string, expires: Date): string {
  return `${CLAIM_PREFIX}${String(expires.getTime()).padStart(13, "0")}-${run}`;
}

const STAGE_OF = new Map(Object.entries(LABELS).map(([stage, label]) => [label, stage as Stage]));

/** Secrets Manager behind the SecretStore port. */
export function secretsManagerStore(
  clients: AwsClients,
  options: { now?: () => number } = {},
): SecretStore {
  const sm: SecretsManagerClient = clients.secretsManager();
  const now = options.now ?? Date.now;
  const send = async <T>(secretId: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw new SecretNotFound(secretId);
      if (error instanceof ResourceExistsException)
        throw new VersionConflict(`${secretId}: ${error.message}`);
      throw error;
    }
  };
  const labelsOf = async (secretId: string) =>
    (await send(secretId, () => sm.send(new DescribeSecretCommand({ SecretId: secretId }))))
      .VersionIdsToStages ?? {};
  const holderOf = (labels: Record<string, string[]>, label: string) =>
    Object.entries(labels).find(([, stages]) => stages.includes(label))?.[0];
  const moveLabel = async (
    secretId: string,
    label: string,
    to: string | undefined,
    from: string | undefined,
  ) => {
    try {
      await sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: label,
          ...(to && { MoveToVersionId: to }),
          ...(from && { RemoveFromVersionId: from }),
        }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw new SecretNotFound(secretId);
      // The label is not where the caller saw it: someone moved it meanwhile.
      if (error instanceof InvalidParameterException)
        throw new VersionConflict(`${secretId}: ${label} moved meanwhile (${error.message})`);
      throw error;
    }
  };
  const claimOf = (versionId: string): Claim | undefined => {
    const parsed = parseClaimVersion(versionId);
    return parsed && { ...parsed, ref: versionId };
  };

  return {
    stageName: (stage) => LABELS[stage],

    async describe(secretId, options = {}): Promise<SecretDescription> {
      const described = await send(secretId, () =>
        sm.send(new DescribeSecretCommand({ SecretId: secretId })),
      );
      const entries: { versionId: string; labels: string[]; created?: Date }[] = [];
      if (options.allVersions) {
        let NextToken: string | undefined;
        do {
          const page = await send(secretId, () =>
            sm.send(
              new ListSecretVersionIdsCommand({
                SecretId: secretId,
                IncludeDeprecated: true,
                NextToken,
              }),
            ),
          );
          for (const entry of page.Versions ?? []) {
            entries.push({
              versionId: entry.VersionId ?? "",
              labels: entry.VersionStages ?? [],
              ...(entry.CreatedDate && { created: entry.CreatedDate }),
            });
          }
          NextToken = page.NextToken || undefined;
        } while (NextToken);
      } else {
        for (const [versionId, labels] of Object.entries(described.VersionIdsToStages ?? {})) {
          entries.push({ versionId, labels });
        }
      }
      const versions: VersionInfo[] = [];
      for (const entry of entries) {
        if (entry.versionId.startsWith(CLAIM_PREFIX)) continue;
        versions.push({
          versionId: entry.versionId,
          stages: entry.labels.flatMap((l) => STAGE_OF.get(l) ?? []),
          ...(entry.created && { created: entry.created }),
        });
      }
      const claimVersion = holderOf(described.VersionIdsToStages ?? {}, CLAIM_LABEL);
      const claim = claimVersion ? claimOf(claimVersion) : undefined;
      return {
        arn: described.ARN ?? secretId,
        name: described.Name ?? secretId,
        rotationEnabled: described.RotationEnabled === true,
        versions,
        ...(claim && { claim }),
      };
    },

    async value(secretId, select) {
      try {
        const found = await sm.send(
          new GetSecretValueCommand({
            SecretId: secretId,
            ...(select.versionId && { VersionId: select.versionId }),
            ...(select.stage && { VersionStage: LABELS[select.stage] }),
          }),
        );
        return found.SecretString ?? undefined;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },

    async putPending(secretId, versionId, value) {
      // PutSecretValue: the same value for an existing ClientRequestToken is ignored, another one
      // is refused with ResourceExistsException (a VersionConflict here).
      await send(secretId, () =>
        sm.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: versionId,
            SecretString: value,
            VersionStages: [LABELS.pending],
          }),
        ),
      );
    },

    // Secrets Manager moves AWSPREVIOUS onto the version AWSCURRENT leaves, by itself.
    promote: (secretId, versionId, from) => moveLabel(secretId, LABELS.current, versionId, from),

    clearPending: (secretId, versionId) =>
      moveLabel(secretId, LABELS.pending, undefined, versionId),

    async claim(secretId, { run, ttlMs, seen }) {
      if (seen && seen.run !== run && seen.expires.getTime() > now()) {
        throw new ClaimHeld(secretId, seen);
      }
      const expires = new Date(now() + ttlMs);
      const versionId = claimVersionId(run, expires);
      await send(secretId, () =>
        sm.send(
          new PutSecretValueCommand({
            SecretId: secretId,
            ClientRequestToken: versionId,
            SecretString: JSON.stringify({
              vaultpilotClaim: { run, expires: expires.toISOString() },
            }),
            VersionStages: [CLAIMING_LABEL],
          }),
        ),
      );
      try {
        await moveLabel(secretId, CLAIM_LABEL, versionId, seen?.ref);
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        const holder = holderOf(await labelsOf(secretId), CLAIM_LABEL);
        const taken = holder ? claimOf(holder) : undefined;
        if (taken && taken.run !== run) throw new ClaimHeld(secretId, taken);
        throw error;
      }
      return { run, expires, ref: versionId };
    },

    async release(secretId, claim) {
      try {
        await moveLabel(secretId, CLAIM_LABEL, undefined, claim.ref);
      } catch (error) {
        // Taken over after it expired: it is no longer ours to give up.
        if (!(error instanceof VersionConflict)) throw error;
      }
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
