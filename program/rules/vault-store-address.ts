import type { Diagnostic } from "../diagnostics.js";
import { report, type PolicyRule } from "./rule.js";

/** Hosts on which http is allowed: the traffic never leaves the machine (a local dev server). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * A vault store's address: present, and https unless the host is loopback. OpenBao tokens and
 * AppRole secret ids travel in every request's headers and login bodies: over plain http anyone
 * on the path can read them.
 */
export const vaultStoreAddress: PolicyRule = {
  id: "vault-store-address",
  severity: "error",
  description:
    "A vault store names its server's address, https://host:port (http only on a loopback address).",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const tenant of policies.tenants) {
      const store = tenant.spec.store;
      if (store?.type !== "vault") continue;
      if (store.address === undefined) {
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "store", "type"],
            `tenant "${tenant.name}" keeps its secrets in a vault store but names no server; add spec.store.address: https://<host>:8200`,
          ),
        );
        continue;
      }
      let url: URL;
      try {
        url = new URL(store.address);
      } catch {
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "store", "address"],
            `"${store.address}" is not a URL; write https://<host>:<port>`,
          ),
        );
        continue;
      }
      if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
        diagnostics.push(
          report(
            this,
            tenant,
            ["spec", "store", "address"],
            `vault store address "${store.address}" is plain http on a host that is not loopback: tokens and secret ids would cross the network in clear; use https://${url.host}`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
