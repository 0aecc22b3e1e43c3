/** Where a credential comes from: an environment variable or a file (never the policy itself). */
export type CredentialSource = { readonly env: string } | { readonly file: string };

/**
 * How the store logs in. `token`: a token already issued (development, or a Vault Agent's sink
 * file); `approle`, `jwt` and `kubernetes` log in at `auth/<mount>/login` and renew the token they
 * get. Each method's `mount` defaults to the method's name, as `bao auth enable` mounts it.
 */
export type VaultAuth =
  | { readonly method: "token"; readonly token: CredentialSource }
  | {
      readonly method: "approle";
      readonly mount: string;
      /** Not a secret (AppRole's documentation likens it to a username). */
      readonly roleId: string;
      readonly secretId: CredentialSource;
    }
  | {
      readonly method: "jwt";
      readonly mount: string;
      readonly role: string;
      readonly token: CredentialSource;
    }
  | {
      readonly method: "kubernetes";
      readonly mount: string;
      readonly role: string;
      /** @default {file: "/var/run/secrets/kubernetes.io/serviceaccount/token"} */
      readonly token: CredentialSource;
    };

/** A tenant's OpenBao (or Vault) KV v2 store, as the policy's `spec.store` describes it. */
export interface VaultStoreConfig {
  /** https://host:port; http only on a loopback address (validation enforces it). */
  readonly address: string;
  /** The KV v2 mount. @default "secret" (the dev server's mount) */
  readonly mount: string;
  /** Where the tenant's secrets live under the mount. @default "vaultpilot/<tenant>" */
  readonly pathPrefix: string;
  /** OpenBao/Vault namespace (X-Vault-Namespace), when the server uses them. @default - none */
  readonly namespace?: string;
  readonly auth: VaultAuth;
}

/** The service-account token a pod gets, for the `kubernetes` method. */
export const KUBERNETES_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** The path of a policy secret in the store: `<pathPrefix>/<name>`. */
export function vaultSecretPath(config: Pick<VaultStoreConfig, "pathPrefix">, name: string) {
  return `${config.pathPrefix.replace(/\/+$/, "")}/${name}`;
}
