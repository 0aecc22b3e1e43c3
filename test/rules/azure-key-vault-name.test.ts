import { describe, expect, it } from "vitest";
import { azureTenant } from "../support/azure-policies.js";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

const schedules = doc.schedule("monthly", "30d");

describe("rule azure-key-vault-name", () => {
  it("reports a name over 24 characters at its value", () => {
    const result = validateText({
      "schedules.yaml": schedules,
      "acme.yaml": azureTenant("acme", { keyVaultName: "acme-production-secrets-vault" }),
    });
    const [found, ...rest] = reported(result, "azure-key-vault-name");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "acme.yaml:16:19", severity: "error" });
    expectHelpfulMessage(found!.message, "acme-production-secrets-vault");
    expect(found!.message).toContain("29 characters");
  });

  it.each([
    ["ab", "3 to 24"],
    ["acme_vault", "letters, digits"],
    ["1acme", "start with a letter"],
    ["acme-", "end with a letter or a digit"],
    ["acme--vault", "two hyphens"],
  ])("reports %s (%s)", (name, problem) => {
    const result = validateText({
      "schedules.yaml": schedules,
      "acme.yaml": azureTenant("acme", { keyVaultName: name }),
    });
    const [found] = reported(result, "azure-key-vault-name");
    expect(found!.message).toContain(problem);
  });

  it("reports two tenants with one vault name (names are global, case ignored), naming the first", () => {
    const result = validateText({
      "schedules.yaml": schedules,
      "tenants.yaml": yamlFile(
        azureTenant("acme", { keyVaultName: "shared-vault" }),
        azureTenant("globex", { keyVaultName: "Shared-Vault" }),
      ),
    });
    const [found, ...rest] = reported(result, "azure-key-vault-name");
    expect(rest).toEqual([]);
    expect(found!.where).toBe("tenants.yaml:33:19");
    expect(found!.message).toContain('tenant "acme"');
    expect(found!.message).toContain("tenants.yaml:16:19");
  });

  it("accepts derived names, which differ between tenants", () => {
    const result = validateText({
      "schedules.yaml": schedules,
      "tenants.yaml": yamlFile(azureTenant("acme"), azureTenant("globex")),
    });
    expect(reported(result, "azure-key-vault-name")).toEqual([]);
  });
});
