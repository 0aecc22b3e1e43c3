import { LABELS } from "../../components/rotation/aws/secrets-store.js";
import type { SecretStore, Stage } from "../../components/rotation/ports.js";
import { vaultKvStore } from "../../components/rotation/vault/kv-store.js";
import { vaultSecretPath, type TenantStore } from "../../program/store.js";
import type { CliIO } from "../io.js";

/** Where a policy secret lives for rotate, rollback and versions: its store and how to name it. */
export interface SecretPlace {
  /** The store's id of the secret: the Secrets Manager name, or the path under the KV mount. */
  readonly secretId: string;
  /** The vault store; absent for Secrets Manager (the runtime's default). */
  readonly store?: SecretStore;
  /** For "not found" messages: "Secrets Manager (us-east-1)", "OpenBao at https://... (secret/...)". */
  readonly where: string;
  /** How the store's users know a stage: AWSCURRENT, or current for the vault store. */
  stageName(stage: Stage): string;
}

export function secretPlace(
  tenantStore: TenantStore,
  target: { name: string; secretId: string },
  io: CliIO,
): SecretPlace {
  if (tenantStore.type !== "vault") {
    return {
      secretId: target.secretId,
      where: `Secrets Manager (${regionOf(io)})`,
      stageName: (stage) => LABELS[stage],
    };
  }
  const path = vaultSecretPath(tenantStore, target.name);
  return {
    secretId: path,
    store: vaultKvStore(tenantStore, { env: io.env }),
    where: `OpenBao at ${tenantStore.address} (${tenantStore.mount}/${path})`,
    stageName: (stage) => stage,
  };
}

/** The region (and endpoint, when set) the SDK was pointed at, for "not found" messages. */
export function regionOf(io: CliIO): string {
  const region = io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? "the default region";
  return io.env.AWS_ENDPOINT_URL ? `${region} at ${io.env.AWS_ENDPOINT_URL}` : region;
}
