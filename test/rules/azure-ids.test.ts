import { describe, expect, it } from "vitest";
import { azureTenant } from "../support/azure-policies.js";
import { doc, expectHelpfulMessage, reported, validateText } from "../support/validate-text.js";

describe("rule azure-ids", () => {
  it("reports a subscription, Entra tenant or principal id that is not a GUID, at its value", () => {
    const result = validateText({
      "schedules.yaml": doc.schedule("monthly", "30d"),
      "acme.yaml": azureTenant("acme", {
        subscriptionId: "my-subscription",
        tenantId: "contoso.onmicrosoft.com",
      }),
      "web.yaml": doc.service("web", "acme") + "  azure:\n    principalId: 1234-not-a-guid\n",
    });
    const found = reported(result, "azure-ids");
    expect(found.map((f) => f.where)).toEqual([
      "acme.yaml:11:21",
      "acme.yaml:14:15",
      "web.yaml:9:18",
    ]);
    expectHelpfulMessage(found[0]!.message, "my-subscription");
    expect(found[0]!.message).toContain("00000000-0000-0000-0000-000000000000");
    expect(found[2]!.message).toContain("principalId");
  });

  it("accepts GUIDs in either case", () => {
    const result = validateText({
      "schedules.yaml": doc.schedule("monthly", "30d"),
      "acme.yaml": azureTenant("acme", { tenantId: "9D3E6B1A-2C4F-4E8D-B7A0-61F5C2D9E3A4" }),
    });
    expect(reported(result, "azure-ids")).toEqual([]);
  });
});
