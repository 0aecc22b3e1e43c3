import { AZURE_LOCATIONS } from "../azure.js";
import { closest } from "../did-you-mean.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * A Key Vault can only be created in a region that exists; a misspelt location would fail only at
 * `pulumi up`. The list is cloud/azure/locations.json (its `source` says where it comes from).
 */
export const azureLocation: PolicyRule = {
  id: "azure-location",
  severity: "error",
  description:
    "A Tenant's spec.azure.location must be an Azure region (cloud/azure/locations.json), such as westeurope.",
  check(policies) {
    return policies.tenants.flatMap((tenant) => {
      const location = tenant.spec.azure?.location;
      if (location === undefined || AZURE_LOCATIONS.includes(location)) return [];
      const suggestion = closest(location.replace(/[\s-]/g, ""), AZURE_LOCATIONS);
      return [
        report(
          this,
          tenant,
          ["spec", "azure", "location"],
          `"${location}" is not an Azure region; ` +
            (suggestion
              ? `did you mean "${suggestion}"?`
              : `use a name from \`az account list-locations\`, such as westeurope or eastus2`) +
            ` (the known regions are in cloud/azure/locations.json)`,
        ),
      ];
    });
  },
};
