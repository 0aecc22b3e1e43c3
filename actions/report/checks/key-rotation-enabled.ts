import type { Check } from "./check.js";
import { perLiveTenant } from "./live-view.js";

/** Live (Security Hub KMS.4): GetKeyRotationStatus is true for the key behind alias/vaultpilot/<tenant>. */
export const keyRotationEnabled: Check = {
  id: "key-rotation-enabled",
  kind: "live",
  description:
    "Each tenant's key (alias/vaultpilot/<tenant>) has automatic rotation on in its account.",
  evaluate(context) {
    return perLiveTenant(context, (tenant) => {
      const key = tenant.key;
      const base = { tenant: tenant.tenant, observedAt: tenant.readAt };
      if (!key)
        return [
          {
            ...base,
            resource: tenant.keyAlias,
            status: "fail",
            observed: `no key has the alias ${tenant.keyAlias}`,
          },
        ];
      if (key.rotationEnabled === undefined) {
        return [
          {
            ...base,
            resource: key.arn,
            status: "fail",
            observed: `KeyState ${key.keyState}: rotation status not readable`,
          },
        ];
      }
      return [
        {
          ...base,
          resource: key.arn,
          status: key.rotationEnabled ? "pass" : "fail",
          observed: `KeyRotationEnabled: ${String(key.rotationEnabled)}`,
        },
      ];
    });
  },
};
