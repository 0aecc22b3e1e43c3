import { describe, expect, it } from "vitest";
import { doc, expectHelpfulMessage, reported, validateText } from "../support/validate-text.js";

describe("rule unknown-tenant", () => {
  it("reports a secret of a misspelt tenant at metadata.tenant, with the tenant it resembles", () => {
    const result = validateText({
      "schedules.yaml": doc.schedule("monthly", "30d"),
      "tenant.yaml": doc.tenant("acme"),
      "secret.yaml": doc.secret("orders-db", "acne", "monthly"),
    });

    const [found, ...rest] = reported(result, "unknown-tenant");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "secret.yaml:5:11", severity: "error" });
    expectHelpfulMessage(found!.message, "orders-db", "acne", "acme");
    expect(found!.message).toContain('did you mean "acme"?');
  });

  it("reports a service of a tenant that resembles none, saying to define it", () => {
    const result = validateText({
      "tenant.yaml": doc.tenant("acme"),
      "service.yaml": doc.service("ledger", "globex"),
    });

    expect(reported(result, "unknown-tenant")).toEqual([
      {
        where: "service.yaml:5:11",
        severity: "error",
        message:
          'Service "ledger" belongs to tenant "globex", which is not defined; define the Tenant or fix the name',
      },
    ]);
  });

  it("accepts secrets and services of a defined tenant, wherever it is defined", () => {
    const result = validateText({
      "z-last.yaml": doc.tenant("acme"),
      "a-first.yaml": doc.service("ledger", "acme"),
      "schedules.yaml": doc.schedule("monthly", "30d"),
      "secret.yaml": doc.secret("ledger-db", "acme", "monthly", ["ledger"]),
    });

    expect(reported(result, "unknown-tenant")).toEqual([]);
  });

  it("does not call a tenant unknown when it is written but fails its schema", () => {
    const result = validateText({
      "tenant.yaml": doc.tenant("acme").replace("plan: pro", "plan: gold"),
      "service.yaml": doc.service("ledger", "acme"),
    });

    expect(result.diagnostics.map((d) => d.rule)).toEqual(["schema"]);
  });
});
