import { closest } from "../did-you-mean.js";
import { report, type PolicyRule } from "./rule.js";

export const masterSecret: PolicyRule = {
  id: "master-secret",
  severity: "error",
  description:
    "The alternating strategy needs spec.connection.masterSecret, naming another Secret of the same tenant and type.",
  check(policies) {
    const diagnostics = [];
    for (const secret of policies.secrets) {
      const connection = secret.spec.connection;
      if (!connection) continue;
      const master = connection.masterSecret;
      if (master === undefined) {
        if (connection.strategy === "alternating") {
          diagnostics.push(
            report(
              this,
              secret,
              ["spec", "connection", "strategy"],
              `secret "${secret.name}" uses strategy "alternating", which needs an administrator to manage ` +
                `the second user; add spec.connection.masterSecret naming a ${secret.spec.type} Secret of tenant "${secret.tenant}"`,
            ),
          );
        }
        continue;
      }
      const ofTenant = policies.secretsByTenant.get(secret.tenant) ?? [];
      const found = ofTenant.find((other) => other.name === master);
      const at = ["spec", "connection", "masterSecret"];
      if (master === secret.name) {
        diagnostics.push(
          report(
            this,
            secret,
            at,
            `secret "${secret.name}" names itself as its master secret; name an administrator's Secret instead`,
          ),
        );
      } else if (!found) {
        const suggestion = closest(
          master,
          ofTenant.map((other) => other.name),
        );
        diagnostics.push(
          report(
            this,
            secret,
            at,
            `master secret "${master}" is not a Secret of tenant "${secret.tenant}"; ` +
              (suggestion
                ? `did you mean "${suggestion}"?`
                : `define it in tenant "${secret.tenant}" or fix the name`),
          ),
        );
      } else if (found.spec.type !== secret.spec.type) {
        diagnostics.push(
          report(
            this,
            secret,
            at,
            `master secret "${master}" is of type "${found.spec.type}", but "${secret.name}" is ${secret.spec.type}; ` +
              `name a ${secret.spec.type} Secret`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
