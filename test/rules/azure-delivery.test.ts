import { describe, expect, it } from "vitest";
import { azureTenant, deliveredSecret } from "../support/azure-policies.js";
import { doc, expectHelpfulMessage, reported, validateText } from "../support/validate-text.js";

const schedules = doc.schedule("monthly", "30d");

describe("rule azure-delivery", () => {
  it("reports delivery to Azure from a tenant without spec.azure, at the delivery key", () => {
    const result = validateText({
      "schedules.yaml": schedules,
      "acme.yaml": doc.tenant("acme"),
      "secret.yaml": deliveredSecret("api-token", "acme"),
    });
    const [found, ...rest] = reported(result, "azure-delivery");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "secret.yaml:10:5", severity: "error" });
    expectHelpfulMessage(found!.message, "api-token", "acme");
    expect(found!.message).toContain("acme.yaml:6:3");
  });

  it("reports two secrets that would share one Key Vault secret name (case ignored)", () => {
    const result = validateText({
      "schedules.yaml": schedules,
      "acme.yaml": azureTenant("acme"),
      "a.yaml": deliveredSecret("api-token", "acme"),
      "b.yaml": deliveredSecret("other-token", "acme", "API-Token"),
    });
    const [found, ...rest] = reported(result, "azure-delivery");
    expect(rest).toEqual([]);
    expect(found!.where).toBe("b.yaml:11:13");
    expectHelpfulMessage(found!.message, "other-token", "API-Token", "api-token");
  });

  it("accepts delivery from a tenant with an Azure home", () => {
    const result = validateText({
      "schedules.yaml": schedules,
      "acme.yaml": azureTenant("acme"),
      "a.yaml": deliveredSecret("api-token", "acme"),
    });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
