import type { Check } from "./check.js";
import { perLiveSecret } from "./live-view.js";

/** Live (Security Hub SecretsManager.1): ListSecrets reports RotationEnabled for every declared secret. */
export const secretRotationEnabled: Check = {
  id: "secret-rotation-enabled",
  kind: "live",
  description: "Every declared secret has automatic rotation turned on in its account.",
  evaluate(context) {
    return perLiveSecret(context, (secret) => {
      const every = secret.rotationRules?.automaticallyAfterDays;
      const by = secret.rotationLambdaArn?.split(":").at(-1);
      return secret.rotationEnabled
        ? {
            status: "pass",
            observed: `RotationEnabled: true${every ? `, every ${every} days` : ""}${by ? ` by ${by}` : ""}`,
          }
        : { status: "fail", observed: "RotationEnabled: false" };
    });
  },
};
