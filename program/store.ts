import type { CredentialSourceSpec, StoreSpec } from "./documents.js";

// The tenant's secret store (spec.store), as the model, the CLI and the rotation runtime read it.
// Plain data: components/rotation/vault/ takes VaultStoreConfig from here.

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
      /** @default {file: KUBERNETES_TOKEN_FILE} */
      readonly token: CredentialSource;
    };

/** A tenant's OpenBao KV v2 store, as the policy's `spec.store` describes it. */
export interface VaultStoreConfig {
  /** https://host:port; http only on a loopback address (rule vault-store-address). */
  readonly address: string;
  /** The KV v2 mount. @default "secret" (the dev server's mount) */
  readonly mount: string;
  /** Where the tenant's secrets live under the mount. @default "vaultpilot/<tenant>" */
  readonly pathPrefix: string;
  /** OpenBao namespace (X-Vault-Namespace). @default - none */
  readonly namespace?: string;
  readonly auth: VaultAuth;
}

export type TenantStore =
  { readonly type: "aws-secrets-manager" } | ({ readonly type: "vault" } & VaultStoreConfig);

/** The service-account token a pod gets, for the `kubernetes` method. */
export const KUBERNETES_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export const DEFAULT_VAULT_MOUNT = "secret";

/** The path of a policy secret in a vault store: `<pathPrefix>/<name>`. */
export function vaultSecretPath(config: Pick<VaultStoreConfig, "pathPrefix">, name: string) {
  return `${config.pathPrefix.replace(/\/+$/, "")}/${name}`;
}

/**
 * The tenant's store with defaults applied. Only called on documents the rules accepted (the
 * vault-store-* rules require address and the method's fields), so a missing field here falls
 * back rather than throwing.
 */
export function tenantStore(tenant: string, spec: StoreSpec | undefined): TenantStore {
  if (!spec || spec.type !== "vault") return { type: "aws-secrets-manager" };
  const auth = spec.auth ?? { method: "token" };
  const mount = auth.mount ?? auth.method;
  const source = (s: CredentialSourceSpec | undefined, fallback: CredentialSource) =>
    s?.env !== undefined ? { env: s.env } : s?.file !== undefined ? { file: s.file } : fallback;
  const vaultAuth: VaultAuth =
    auth.method === "approle"
      ? {
          method: "approle",
          mount,
          roleId: auth.roleId ?? "",
          secretId: source(auth.secretId, { env: "VAULTPILOT_VAULT_SECRET_ID" }),
        }
      : auth.method === "jwt"
        ? {
            method: "jwt",
            mount,
            role: auth.role ?? "",
            token: source(auth.token, { env: "VAULTPILOT_VAULT_JWT" }),
          }
        : auth.method === "kubernetes"
          ? {
              method: "kubernetes",
              mount,
              role: auth.role ?? "",
              token: source(auth.token, { file: KUBERNETES_TOKEN_FILE }),
            }
          : { method: "token", token: source(auth.token, { env: "VAULT_TOKEN" }) };
  return {
    type: "vault",
    address: spec.address ?? "",
    mount: spec.mount ?? DEFAULT_VAULT_MOUNT,
    pathPrefix: spec.pathPrefix ?? `vaultpilot/${tenant}`,
    ...(spec.namespace && { namespace: spec.namespace }),
    auth: vaultAuth,
  };
}
