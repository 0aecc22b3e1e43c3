import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultKeyVaultName, keyVaultNameProblem } from "../../program/azure.js";
import { NAME_PATTERN } from "../../program/documents.js";

const tenantName = fc.stringMatching(NAME_PATTERN);
const guid = fc.uuid();

describe("derived Key Vault names", () => {
  it("are valid Key Vault names (3-24 characters) for every tenant name the schema allows", () => {
    fc.assert(
      fc.property(tenantName, guid, (tenant, subscription) => {
        const name = defaultKeyVaultName(tenant, subscription);
        expect(keyVaultNameProblem(name)).toBeUndefined();
        expect(name.length).toBeGreaterThanOrEqual(3);
        expect(name.length).toBeLessThanOrEqual(24);
      }),
      { numRuns: 5000 },
    );
  });

  it("are stable, start with the tenant's name and differ between subscriptions", () => {
    const a = defaultKeyVaultName("globex", "5f1c8a2e-7b3d-4c9e-9a61-0d2f4e8b7c15");
    expect(defaultKeyVaultName("globex", "5F1C8A2E-7B3D-4C9E-9A61-0D2F4E8B7C15")).toBe(a);
    expect(a).toMatch(/^globex-[0-9a-f]{6}$/);
    expect(defaultKeyVaultName("globex", "00000000-0000-0000-0000-000000000000")).not.toBe(a);
    expect(defaultKeyVaultName("a-very-long-tenant-name-of-32-ch", "x")).toMatch(
      /^a-very-long-tenan-[0-9a-f]{6}$/,
    );
  });

  it("find the problem in names that break the rules", () => {
    expect(keyVaultNameProblem("ok-name")).toBeUndefined();
    expect(keyVaultNameProblem("x".repeat(25))).toContain("25 characters");
  });
});
