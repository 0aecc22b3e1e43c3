import type { Check } from "./check.js";
import { policyLine } from "./check.js";

/** Static: generated passwords are at least the framework's length (aws-iam-key secrets have none). */
export const passwordLength: Check = {
  id: "password-length",
  kind: "static",
  description: "Every generated password is at least as long as the framework asks.",
  evaluate(context, parameters) {
    const bound = parameters.passwordMinLength.value;
    return context.tenants.flatMap((tenant) =>
      tenant.secrets
        .filter((secret) => secret.password !== undefined)
        .map((secret) => ({
          tenant: tenant.name,
          resource: `${tenant.name}/${secret.name}`,
          status: secret.password!.length >= bound ? "pass" : "fail",
          observed: `${secret.password!.length} characters (bound: ${bound})`,
          observedAt: context.at,
          source: policyLine(context.root, secret.source, ["spec", "password", "length"]),
        })),
    );
  },
};
