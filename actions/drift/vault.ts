import type { PolicyModel, Tenant } from "../../program/model.js";
import type { Finding } from "./checks.js";
import { CHECKS } from "./checks.js";
import { vaultSecretPath } from "../../program/store.js";
import {
  KvReader,
  STAGE_KEYS,
  kvNumberOf,
  stageHolder,
} from "../../components/rotation/vault/kv-store.js";
import { VaultClient } from "../../components/rotation/vault/client.js";
import { DriftFailure } from "./failure.js";

const HOUR = 3_600_000;

/**
 * Drift of the secrets of tenants on a vault store, from KV v2 metadata alone (a policy with
 * read on `<mount>/metadata/<prefix>/*` suffices; values are never read): each secret exists, its
 * current version is no older than its schedule plus the grace, no pending version is older than
 * the stuck-after hours, and KV's latest version is the current one (else something wrote the
 * secret outside VaultPilot, and readers of the latest version see that value).
 */
export async function checkVaultDrift(
  tenants: readonly Tenant[],
  options: { at: Date; graceHours: number; stuckHours: number },
  env: Readonly<Record<string, string | undefined>>,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const tenant of tenants) {
    const store = tenant.store;
    if (store.type !== "vault") continue;
    const reader = new KvReader(new VaultClient(store, { env }), store.mount);
    for (const secret of tenant.secrets) {
      const path = vaultSecretPath(store, secret.name);
      const resource = `${store.mount}/${path}`;
      const finding = (check: keyof typeof CHECKS, expected: string, actual: string): Finding => ({
        tenant: tenant.name,
        resource,
        check,
        expected,
        actual,
        severity: CHECKS[check].severity,
      });
      let meta;
      try {
        meta = await reader.metadata(path);
      } catch (error) {
        throw new DriftFailure(
          `reading ${resource} at ${store.address} failed: ${(error as Error).message}`,
        );
      }
      if (!meta) {
        findings.push(
          finding("vault-secret-exists", "the secret exists", `no secret at ${resource}`),
        );
        continue;
      }
      const current = stageHolder(meta, "current");
      const currentN = current ? kvNumberOf(meta, current) : undefined;
      const created = meta.versions.find((v) => v.number === currentN)?.created;
      if (created) {
        const deadline = new Date(
          created.getTime() + secret.schedule.everyDays * 24 * HOUR + options.graceHours * HOUR,
        );
        if (options.at.getTime() > deadline.getTime())
          findings.push(
            finding(
              "rotation-overdue",
              `rotated by ${deadline.toISOString()} (every ${secret.schedule.everyDays}d + ${options.graceHours}h grace)`,
              `current version ${current} written ${created.toISOString()}`,
            ),
          );
      }
      const pending = meta.custom[STAGE_KEYS.pending];
      const pendingN = pending ? kvNumberOf(meta, pending) : undefined;
      const pendingCreated = meta.versions.find((v) => v.number === pendingN)?.created;
      if (pending && pendingCreated) {
        const ageHours = (options.at.getTime() - pendingCreated.getTime()) / HOUR;
        if (ageHours > options.stuckHours)
          findings.push(
            finding(
              "rotation-stuck",
              `no pending version older than ${options.stuckHours}h`,
              `pending on version ${pending} since ${pendingCreated.toISOString()} (${Math.floor(ageHours)}h)`,
            ),
          );
      } else if (currentN !== undefined && currentN !== meta.currentVersion) {
        findings.push(
          finding(
            "vault-latest-current",
            `KV's latest version (${meta.currentVersion}) is the current one`,
            `current is version ${currentN} (${current}); version ${meta.currentVersion} was written outside VaultPilot`,
          ),
        );
      }
    }
  }
  return findings;
}

/** The model with vault tenants' secrets out of the Secrets Manager checks (their key stays). */
export function secretsManagerView(model: PolicyModel): PolicyModel {
  return {
    ...model,
    tenants: model.tenants.map((t) => (t.store.type === "vault" ? { ...t, secrets: [] } : t)),
  };
}
