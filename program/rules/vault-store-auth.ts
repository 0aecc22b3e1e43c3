import type { Diagnostic } from "../diagnostics.js";
import { report, type PolicyRule } from "./rule.js";

type Method = "approle" | "jwt" | "kubernetes" | "token";

/** The fields each auth method takes (besides `method`), and those it cannot do without. */
export const AUTH_FIELDS: Readonly<
  Record<Method, { readonly allowed: readonly string[]; readonly required: readonly string[] }>
> = {
  approle: { allowed: ["mount", "roleId", "secretId"], required: ["roleId", "secretId"] },
  jwt: { allowed: ["mount", "role", "token"], required: ["role", "token"] },
  // The token defaults to the pod's projected service-account token file.
  kubernetes: { allowed: ["mount", "role", "token"], required: ["role"] },
  token: { allowed: ["token"], required: ["token"] },
};

/** A vault store's auth block: present, with the fields its method takes and nothing else. */
export const vaultStoreAuth: PolicyRule = {
  id: "vault-store-auth",
  severity: "error",
  description:
    "A vault store says how to log in: approle (roleId, secretId), jwt (role, token), kubernetes (role) or token (token), and no field of another method.",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const tenant of policies.tenants) {
      const store = tenant.spec.store;
      if (store?.type !== "vault") continue;
      const auth = store.auth;
      if (!auth) {
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "store", "type"],
            `tenant "${tenant.name}" keeps its secrets in a vault store but says not how to log in; add spec.store.auth with method approle, jwt, kubernetes or token`,
          ),
        );
        continue;
      }
      const fields = AUTH_FIELDS[auth.method];
      for (const key of Object.keys(auth)) {
        if (key === "method" || fields.allowed.includes(key)) continue;
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "store", "auth", key],
            `auth method ${auth.method} takes no "${key}"; it takes ${fields.allowed.join(", ")}`,
            "key",
          ),
        );
      }
      for (const key of fields.required) {
        if (key in auth) continue;
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "store", "auth", "method"],
            `auth method ${auth.method} needs "${key}"${key === "secretId" || key === "token" ? ` ({env: NAME} or {file: /path}; never the value itself)` : ""}`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
