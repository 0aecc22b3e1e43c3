export {
  KUBERNETES_TOKEN_FILE,
  vaultSecretPath,
  type CredentialSource,
  type VaultAuth,
  type VaultStoreConfig,
} from "../../../program/store.js";
