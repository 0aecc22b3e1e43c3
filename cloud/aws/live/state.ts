/** What drift and discover know of one account and region, read with metadata calls only. */

export interface LiveRotationRules {
  readonly automaticallyAfterDays?: number;
  readonly scheduleExpression?: string;
  readonly duration?: string;
}

export interface LiveSecret {
  readonly arn: string;
  readonly name: string;
  /** As Secrets Manager reports it: a key id, key ARN, alias name or alias ARN; absent for aws/secretsmanager. */
  readonly kmsKeyId?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly rotationEnabled: boolean;
  readonly rotationLambdaArn?: string;
  readonly rotationRules?: LiveRotationRules;
  readonly lastRotatedDate?: Date;
  readonly createdDate?: Date;
  /** When the secret was last read (AWS rounds to the day); absent when never read. moto never sets it. */
  readonly lastAccessedDate?: Date;
  /** Set when the secret is scheduled for deletion. */
  readonly deletedDate?: Date;
  /** Version id → staging labels. */
  readonly versionStages: Readonly<Record<string, readonly string[]>>;
  /** From the closer look, for a secret with AWSPENDING on a version that is not AWSCURRENT. */
  pendingCreated?: Date;
  /** With --deep: the resource policy JSON, or null when it has none. */
  resourcePolicy?: string | null;
}

export interface LiveKey {
  readonly keyId: string;
  readonly arn: string;
  readonly enabled: boolean;
  /** Enabled, Disabled, PendingDeletion, … */
  readonly keyState: string;
  readonly deletionDate?: Date;
  /** Undefined when the key's state does not allow asking (pending deletion). */
  readonly rotationEnabled?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface LiveAccount {
  readonly account: string;
  readonly region: string;
  readonly secrets: readonly LiveSecret[];
  /** Alias name (alias/…) → target key id. */
  readonly aliases: ReadonlyMap<string, string>;
  /** Key id → key, for the keys that were described. */
  readonly keys: ReadonlyMap<string, LiveKey>;
}

/** Whether a rotation has started and not finished: AWSPENDING on a version other than AWSCURRENT. */
export function pendingVersion(secret: Pick<LiveSecret, "versionStages">): string | undefined {
  for (const [version, stages] of Object.entries(secret.versionStages)) {
    if (stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT")) return version;
  }
  return undefined;
}

/** The key id in any of the forms Secrets Manager reports, resolving aliases through `aliases`. */
export function resolveKeyId(
  reference: string | undefined,
  aliases: ReadonlyMap<string, string>,
): string | undefined {
  if (!reference) return undefined;
  const alias = /(?:^|:)(alias\/.+)$/.exec(reference);
  if (alias) return aliases.get(alias[1]!);
  const arn = /:key\/(.+)$/.exec(reference);
  return arn ? arn[1] : reference;
}

/** The key of one account and region in maps of live state: `<account>/<region>`. */
export function accountKey(account: string, region: string): string {
  return `${account}/${region}`;
}
