import type { Check } from "./check.js";
import { policyLine } from "./check.js";

/** Static: the rotation of every postgres and mysql secret connects with TLS (spec.connection.tls). */
export const databaseTls: Check = {
  id: "database-tls",
  kind: "static",
  description: "The rotation of every database secret connects to its database over TLS.",
  evaluate(context) {
    return context.tenants.flatMap((tenant) =>
      tenant.secrets
        .filter((secret) => secret.type === "postgres" || secret.type === "mysql")
        .map((secret) => ({
          tenant: tenant.name,
          resource: `${tenant.name}/${secret.name}`,
          status: secret.connection?.tls === true ? "pass" : "fail",
          observed: secret.connection
            ? `spec.connection.tls: ${String(secret.connection.tls)} (${secret.connection.host}:${secret.connection.port})`
            : "no spec.connection: TLS is not required",
          observedAt: context.at,
          source: policyLine(context.root, secret.source, ["spec", "connection", "tls"]),
        })),
    );
  },
};
