import type { Stage } from "../ports.js";
import { VaultClient, type VaultClientOptions } from "./client.js";
import { vaultSecretPath, type VaultStoreConfig } from "./config.js";
import { KvReader, stageHolder } from "./kv-store.js";

export { VaultClient, VaultError, readCredential, type VaultClientOptions } from "./client.js";
export {
  vaultSecretPath,
  type CredentialSource,
  type VaultAuth,
  type VaultStoreConfig,
} from "./config.js";
export {
  KvReader,
  MetadataCasUnsupported,
  STAGE_KEYS,
  CLAIM_KEY,
  vaultKvStore,
  type KvMetadata,
} from "./kv-store.js";

/**
 * The read side of a tenant's vault store, for consumers (the client library's vault source): the
 * version id a stage names, from metadata alone (a cheap freshness check), and the value it names.
 * One VaultClient per reader, so its token is logged in once and renewed.
 */
export function vaultSecretReader(
  config: Pick<VaultStoreConfig, "address" | "mount" | "pathPrefix" | "auth" | "namespace">,
  options: VaultClientOptions = {},
) {
  const reader = new KvReader(new VaultClient(config, options), config.mount);
  return {
    /** The version id holding `stage` (current by default); undefined when the secret is absent. */
    async versionId(name: string, stage: Stage = "current"): Promise<string | undefined> {
      const meta = await reader.metadata(vaultSecretPath(config, name));
      return meta && stageHolder(meta, stage);
    },
    /** The value (JSON text) and version id `stage` names; undefined when there is none. */
    read: (name: string, stage: Stage = "current") =>
      reader.read(vaultSecretPath(config, name), stage),
  };
}
