import { rotationFunctionName } from "../../../cloud/aws/naming.js";
import { RotationAlarms } from "../../../components/aws/rotation-alarms.js";
import { ROTATION_TIMEOUT_SECONDS } from "../../../components/aws/rotation-function.js";
import { defineConcern } from "./concern.js";

/**
 * The tenant's rotation alarms: an encrypted topic, a rule on failed rotations, an alarm per
 * rotation function (named as the secrets concern names them), and the stack's webhook if set.
 */
export const alarms = defineConcern({
  name: "alarms",
  settings: ({ inputs }) => ({ webhook: inputs.alarmWebhookUrl }),
  components: ({ tenant, scope, key, options }, { webhook }) =>
    // No rotation Lambda to watch for a vault tenant (see the secrets concern).
    tenant.store.type === "vault"
      ? []
      : [
          new RotationAlarms(
            tenant.name,
            {
              scope,
              kmsKeyArn: key.keyArn,
              functions: [...new Set(tenant.secrets.map((s) => s.type))].map((secretType) => ({
                secretType,
                functionName: rotationFunctionName(tenant.name, secretType),
                // The secrets concern leaves each function's timeout at its default.
                timeoutSeconds: ROTATION_TIMEOUT_SECONDS,
              })),
              notify: webhook === undefined ? "none" : { httpsEndpoint: webhook },
              backupFailures: tenant.backup !== undefined,
            },
            options,
          ),
        ],
});
