import { GUID_PATTERN } from "../azure.js";
import type { Diagnostic } from "../diagnostics.js";
import { report, type PolicyRule } from "./rule.js";

/** Azure names subscriptions, Entra tenants and principals by GUID; anything else fails at deploy time. */
export const azureIds: PolicyRule = {
  id: "azure-ids",
  severity: "error",
  description:
    "spec.azure.subscriptionId and tenantId (Tenant) and spec.azure.principalId (Service) must be GUIDs.",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    const check = (
      at: Parameters<typeof report>[1],
      field: string,
      value: string | undefined,
      what: string,
    ) => {
      if (value === undefined || GUID_PATTERN.test(value)) return;
      diagnostics.push(
        report(
          this,
          at,
          ["spec", "azure", field],
          `spec.azure.${field} "${value}" is not a GUID; use the ${what}, in the form ` +
            `00000000-0000-0000-0000-000000000000`,
        ),
      );
    };
    for (const tenant of policies.tenants) {
      const azure = tenant.spec.azure;
      check(
        tenant,
        "subscriptionId",
        azure?.subscriptionId,
        "subscription id (`az account show --query id`)",
      );
      check(
        tenant,
        "tenantId",
        azure?.tenantId,
        "Microsoft Entra tenant id (`az account show --query tenantId`)",
      );
    }
    for (const service of policies.services)
      check(
        service,
        "principalId",
        service.spec.azure?.principalId,
        "object id of the service's managed identity or service principal",
      );
    return diagnostics;
  },
};
