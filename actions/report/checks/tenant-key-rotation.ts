import type { Check } from "./check.js";
import { policyLine } from "./check.js";
import { planIndex, TYPE } from "./plan-index.js";

/** Static: the plan creates one customer-managed key per tenant, with automatic rotation on. */
export const tenantKeyRotation: Check = {
  id: "tenant-key-rotation",
  kind: "static",
  description:
    "The plan gives each tenant a customer-managed KMS key with automatic key rotation on.",
  evaluate(context) {
    const plan = planIndex(context.plan);
    return context.tenants.map((tenant) => {
      const keys = plan.ofTenant(tenant.name, TYPE.key);
      const on = keys.length === 1 && keys[0]!.inputs.enableKeyRotation === true;
      return {
        tenant: tenant.name,
        resource: `alias/vaultpilot/${tenant.name}`,
        status: on ? "pass" : "fail",
        observed:
          keys.length === 0
            ? "no customer-managed key in the plan"
            : keys.length > 1
              ? `${keys.length} keys in the plan, expected one`
              : `enableKeyRotation: ${String(keys[0]!.inputs.enableKeyRotation ?? false)}`,
        observedAt: context.at,
        source: policyLine(context.root, tenant.source, ["metadata", "name"]),
      } as const;
    });
  },
};
