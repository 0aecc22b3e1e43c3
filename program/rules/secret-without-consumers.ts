import { report, type PolicyRule } from "./rule.js";

/** Usually a forgotten line: a secret nobody reads is rotated for nothing, or consumed unseen. */
export const secretWithoutConsumers: PolicyRule = {
  id: "secret-without-consumers",
  severity: "warning",
  description: "A Secret should name the Services that consume it, so rotation reloads them.",
  check(policies) {
    return policies.secrets
      .filter((secret) => !secret.spec.consumers?.length)
      .map((secret) =>
        report(
          this,
          secret,
          ["metadata", "name"],
          `secret "${secret.name}" has no consumers, so no service is reloaded when it rotates; ` +
            `list them in spec.consumers, or delete the secret if nothing uses it`,
        ),
      );
  },
};
