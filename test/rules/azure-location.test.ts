import { describe, expect, it } from "vitest";
import { AZURE_LOCATIONS } from "../../program/azure.js";
import locationFile from "../../cloud/azure/locations.json" with { type: "json" };
import { azureTenant } from "../support/azure-policies.js";
import { doc, expectHelpfulMessage, reported, validateText } from "../support/validate-text.js";

describe("rule azure-location", () => {
  it("reports a location that is not an Azure region at its value, suggesting the nearest", () => {
    const result = validateText({
      "schedules.yaml": doc.schedule("monthly", "30d"),
      "acme.yaml": azureTenant("acme", { location: "westeuropa" }),
    });
    const [found, ...rest] = reported(result, "azure-location");
    expect(rest).toEqual([]);
    // tenant 1-9, "  azure:" on 10, location on 13 after "    location: ".
    expect(found).toMatchObject({ where: "acme.yaml:13:15", severity: "error" });
    expectHelpfulMessage(found!.message, "westeuropa", "westeurope");
  });

  it("names where the list comes from when nothing is near", () => {
    const result = validateText({
      "schedules.yaml": doc.schedule("monthly", "30d"),
      "acme.yaml": azureTenant("acme", { location: "moon-base-1" }),
    });
    const [found] = reported(result, "azure-location");
    expect(found!.message).toContain("cloud/azure/locations.json");
    expect(found!.message).toContain("az account list-locations");
  });

  it("accepts every listed region, and the list is sorted, unique and says its source", () => {
    for (const location of ["westeurope", "eastus2", "swedencentral"]) {
      const result = validateText({
        "schedules.yaml": doc.schedule("monthly", "30d"),
        "acme.yaml": azureTenant("acme", { location }),
      });
      expect(reported(result, "azure-location")).toEqual([]);
    }
    expect([...AZURE_LOCATIONS].sort()).toEqual(AZURE_LOCATIONS);
    expect(new Set(AZURE_LOCATIONS).size).toBe(AZURE_LOCATIONS.length);
    expect(locationFile.source).toMatch(/list-locations/);
  });
});
