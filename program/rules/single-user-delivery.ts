import type { Diagnostic } from "../diagnostics.js";
import { DEFAULT_REFRESH_INTERVAL } from "../kubernetes.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * A single-user database secret changes the one user's password: from that moment the delivered
 * copy is wrong until it refreshes, and consumers that reconnect fail. Alternating users avoid it.
 */
export const singleUserDelivery: PolicyRule = {
  id: "single-user-delivery",
  severity: "warning",
  description:
    "A postgres or mysql secret delivered to Kubernetes should use connection.strategy alternating: with a single user, consumers fail from each rotation until their copy refreshes.",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const secret of policies.secrets) {
      if (secret.spec.type !== "postgres" && secret.spec.type !== "mysql") continue;
      if (secret.spec.connection?.strategy === "alternating") continue;
      for (const [index, delivery] of (secret.spec.delivery?.kubernetes ?? []).entries()) {
        diagnostics.push(
          report(
            this,
            secret,
            ["spec", "delivery", "kubernetes", index],
            `secret "${secret.name}" has a single database user, so after each rotation its copy on cluster "${delivery.cluster}" ` +
              `holds a dead password for up to ${delivery.refreshInterval ?? DEFAULT_REFRESH_INTERVAL} and consumers that reconnect fail; ` +
              `use connection.strategy: alternating (with a masterSecret), whose previous user keeps working until the next rotation`,
            "key",
          ),
        );
      }
    }
    return diagnostics;
  },
};
