import { CLONE_SUFFIX } from "../documents.js";
import { report, type PolicyRule } from "./rule.js";

/** The clone user of the alternating strategy must fit the engine's user-name limit too. */
const USERNAME_LIMIT = { postgres: 63, mysql: 32 } as const;

export const connectionDetails: PolicyRule = {
  id: "connection-details",
  severity: "error",
  description:
    "spec.connection belongs to postgres and mysql secrets only, and its username (with _clone appended for alternating) must fit the engine's limit.",
  check(policies) {
    const diagnostics = [];
    for (const secret of policies.secrets) {
      const connection = secret.spec.connection;
      if (!connection) continue;
      const type = secret.spec.type;
      if (type !== "postgres" && type !== "mysql") {
        diagnostics.push(
          report(
            this,
            secret,
            ["spec", "connection"],
            `secret "${secret.name}" is of type "${type}", which has no database connection; ` +
              `remove spec.connection or change spec.type to postgres or mysql`,
            "key",
          ),
        );
        continue;
      }
      const limit = USERNAME_LIMIT[type];
      const longest =
        connection.strategy === "alternating"
          ? `${connection.username}${CLONE_SUFFIX}`
          : connection.username;
      if (longest.length > limit) {
        diagnostics.push(
          report(
            this,
            secret,
            ["spec", "connection", "username"],
            `user name "${longest}" has ${longest.length} characters; ${type} allows at most ${limit}` +
              (connection.strategy === "alternating" ? ` (including "${CLONE_SUFFIX}")` : "") +
              `; choose a shorter spec.connection.username`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
