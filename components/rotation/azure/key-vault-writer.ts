import type { TokenCredential } from "@azure/identity";
import type { SecretClient, SecretClientOptions } from "@azure/keyvault-secrets";
import type { KeyVaultDeliveryConfig, RetryPolicy } from "../config.js";
import type { Alerts, AuditEvent, AuditSink, ReplicaWriter } from "../ports.js";
import { sleep as realSleep, withRetry, type Sleep } from "../retry.js";
import { sensitiveStrings, type SecretValue } from "../strategy.js";

/** The tag on each Key Vault version naming the Secrets Manager version it copies. */
export const AWS_VERSION_TAG = "vaultpilot-aws-version";

export interface KeyVaultWriterOptions {
  readonly tenant: string;
  /** The policy's secret name, for the alert's command. */
  readonly secret: string;
  readonly config: KeyVaultDeliveryConfig;
  /** Resolved on the first publish (reading a credential may call Secrets Manager). */
  readonly credential: () => Promise<TokenCredential>;
  /** The run's id, for audit events. */
  readonly run: string;
  readonly audit: AuditSink;
  /** @default - no alert, only the audit event */
  readonly alerts?: Alerts;
  /** @default DEFAULT_RETRY (3 attempts, 2 s then 4 s) */
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: Sleep;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /**
   * The vault's URL. @default config.vaultUrl; VAULTPILOT_AZURE_KEY_VAULT_URL overrides it in
   * createEngine (a test's stand-in, a proxy)
   */
  readonly vaultUrl?: string;
  /** Passed to SecretClient (tests: tlsOptions with the stand-in's CA). */
  readonly clientOptions?: SecretClientOptions;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Copies each new current version of a secret into the tenant's Azure Key Vault, as a replica
 * behind the rotation engine's ReplicaWriter port:
 * - a new Key Vault version with the value, tagged with the AWS version id (AWS_VERSION_TAG), its
 *   content type, and expiring `expiresAfterDays` after now (the schedule plus a grace period);
 * - the version that was current before it expires `overlapHours` from now, and any older version
 *   still enabled, or whose expiry has passed, is disabled: the previous one is disabled by the
 *   first publish after its overlap (the next rotation, or a retry).
 * Publishing a version already copied (same AWS version tag) changes nothing but the housekeeping.
 *
 * A failure is retried, then alerted and audited, and never thrown: AWS stays the source of truth,
 * its consumers already moved to the new version, and undoing the rotation to match a copy that
 * could not be written would break them (README, "Delivery to Azure Key Vault").
 */
export function keyVaultWriter(options: KeyVaultWriterOptions): ReplicaWriter {
  const now = options.now ?? (() => new Date());
  let client: SecretClient | undefined;
  const clientFor = async (): Promise<SecretClient> => {
    if (client) return client;
    const { SecretClient } = await import("@azure/keyvault-secrets");
    client = new SecretClient(
      options.vaultUrl ?? options.config.vaultUrl,
      await options.credential(),
      {
        ...options.clientOptions,
        // The vault's challenge names the resource; a stand-in or a sovereign cloud's differs from
        // the vault URL's domain. The token is still requested for the challenge's resource.
        disableChallengeResourceVerification: true,
      },
    );
    return client;
  };

  const publishOnce = async (versionId: string, value: string): Promise<void> => {
    const kv = await clientFor();
    const name = options.config.secretName;
    const at = now();
    const versions = [];
    try {
      for await (const properties of kv.listPropertiesOfSecretVersions(name))
        versions.push(properties);
    } catch (error) {
      // The first copy: the secret has no version yet (Pulumi creates none with a value).
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    let copy = versions.find((v) => v.tags?.[AWS_VERSION_TAG] === versionId);
    if (!copy) {
      const written = await kv.setSecret(name, value, {
        contentType: options.config.contentType,
        tags: { [AWS_VERSION_TAG]: versionId },
        expiresOn: new Date(at.getTime() + options.config.expiresAfterDays * DAY_MS),
        enabled: true,
      });
      copy = written.properties;
    }
    // Newest first: the one before the copy is the previous version, kept through the overlap.
    const others = versions
      .filter((v) => v.version !== copy.version && v.enabled !== false)
      // Creation times have whole seconds: on a tie, the later expiry is the newer copy.
      .sort(
        (a, b) =>
          (b.createdOn?.getTime() ?? 0) - (a.createdOn?.getTime() ?? 0) ||
          (b.expiresOn?.getTime() ?? 0) - (a.expiresOn?.getTime() ?? 0),
      );
    const overlapEnds = new Date(at.getTime() + options.config.overlapHours * HOUR_MS);
    for (const [i, version] of others.entries()) {
      if (!version.version) continue;
      const expired =
        version.expiresOn !== undefined && version.expiresOn.getTime() <= at.getTime();
      if (i === 0 && !expired && options.config.overlapHours > 0) {
        if (!version.expiresOn || version.expiresOn.getTime() > overlapEnds.getTime())
          await kv.updateSecretProperties(name, version.version, { expiresOn: overlapEnds });
      } else {
        await kv.updateSecretProperties(name, version.version, { enabled: false });
      }
    }
  };

  return {
    async publish(secret, version) {
      const started = Date.now();
      const hidden = [version.value, ...sensitiveStrings(parseValue(version.value))];
      const event = (
        outcome: AuditEvent["outcome"],
        attempt: number,
        detail?: string,
      ): AuditEvent => ({
        time: new Date().toISOString(),
        tenant: options.tenant,
        secretArn: secret.arn,
        run: options.run,
        step: "replicate:azure-key-vault",
        outcome,
        attempt,
        durationMs: Date.now() - started,
        versions: { current: version.versionId },
        ...(detail !== undefined && { detail }),
      });
      let attempts = 0;
      try {
        await withRetry(
          async (n) => {
            attempts = n;
            await publishOnce(version.versionId, version.value);
          },
          options.retry,
          (n, error, willRetry) => {
            if (willRetry) options.audit(event("retrying", n, describe(error, hidden)));
          },
          options.sleep ?? realSleep,
        );
        options.audit(event("succeeded", attempts));
      } catch (error) {
        const why = describe(error, hidden);
        options.audit(event("failed", attempts, why));
        if (!options.alerts) return;
        try {
          await options.alerts.critical(
            `VaultPilot: ${secret.name} was rotated but not copied to Azure Key Vault`,
            `Version ${version.versionId} is current in AWS Secrets Manager and its consumers use it; ` +
              `the copy to ${options.config.vaultUrl} (secret ${options.config.secretName}) failed ` +
              `after ${attempts} attempts: ${why}. The rotation was not undone. Fix the cause, then ` +
              `run: vaultpilot rotate ${options.tenant}/${options.secret} (or wait for the next rotation), ` +
              `which copies the current version.`,
          );
        } catch (alertError) {
          options.audit(
            event("failed", attempts, `alert not sent: ${describe(alertError, hidden)}`),
          );
        }
      }
    },
  };
}

function parseValue(text: string): SecretValue | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as SecretValue) : undefined;
  } catch {
    return undefined;
  }
}

/** One line, without the value or any of its sensitive fields. */
function describe(error: unknown, hidden: readonly string[]): string {
  const status = (error as { statusCode?: unknown }).statusCode;
  const raw =
    (error instanceof Error ? `${error.name}: ${error.message}` : String(error)) +
    (typeof status === "number" && !String(error).includes(String(status))
      ? ` (HTTP ${status})`
      : "");
  let text = raw.split("\n")[0]!.slice(0, 500);
  for (const value of hidden) if (value.length >= 4) text = text.split(value).join("[redacted]");
  return text;
}
