import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

describe("rule tenant-isolation", () => {
  const background = {
    "schedules.yaml": doc.schedule("monthly", "30d"),
    "acme.yaml": yamlFile(
      doc.tenant("acme"),
      doc.service("orders-api", "acme"),
      doc.service("shared", "acme"),
    ),
    "globex.yaml": yamlFile(
      doc.tenant("globex"),
      doc.service("ledger", "globex"),
      doc.service("shared", "globex"),
    ),
  };

  it("reports a consumer that is a service of another tenant, at the item, naming where it is", () => {
    const result = validateText({
      ...background,
      "secret.yaml": doc.secret("orders-db", "acme", "monthly", ["orders-api", "ledger"]),
    });

    const [found, ...rest] = reported(result, "tenant-isolation");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "secret.yaml:9:27", severity: "error" });
    expectHelpfulMessage(found!.message, "orders-db", "acme", "ledger", "globex");
    // globex.yaml: tenant 1-9, ledger from line 11, its name on line 14.
    expect(found!.message).toContain("(globex.yaml:14:9)");
    expect(found!.message).toMatch(/remove it, or define the service in "acme"$/);
  });

  it("accepts consumers of the secret's own tenant, even when another tenant has a service of that name", () => {
    const result = validateText({
      ...background,
      "secret.yaml": doc.secret("orders-db", "acme", "monthly", ["orders-api", "shared"]),
    });

    expect(reported(result, "tenant-isolation")).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });
});
