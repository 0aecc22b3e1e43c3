import type { Check } from "./check.js";
import { perLiveTenant } from "./live-view.js";

/** Live (Security Hub KMS.3): the tenant's key is not scheduled for deletion. */
export const keyNotPendingDeletion: Check = {
  id: "key-not-pending-deletion",
  kind: "live",
  description: "No tenant key is scheduled for deletion.",
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
      const pending =
        key.keyState === "PendingDeletion" || key.keyState === "PendingReplicaDeletion";
      return [
        {
          ...base,
          resource: key.arn,
          status: pending ? "fail" : "pass",
          observed: `KeyState: ${key.keyState}${key.deletionDate ? `, deletion on ${key.deletionDate.toISOString()}` : ""}`,
        },
      ];
    });
  },
};
