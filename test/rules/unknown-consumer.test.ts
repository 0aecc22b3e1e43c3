import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

describe("rule unknown-consumer", () => {
  const background = {
    "schedules.yaml": doc.schedule("monthly", "30d"),
    "acme.yaml": yamlFile(doc.tenant("acme"), doc.service("orders-api", "acme")),
    "globex.yaml": yamlFile(doc.tenant("globex"), doc.service("ledger", "globex")),
  };

  it("reports each unknown consumer at its own item in the list", () => {
    const result = validateText({
      ...background,
      "secret.yaml": doc.secret("orders-db", "acme", "monthly", [
        "orders-api",
        "ordrs-api",
        "nobody",
      ]),
    });

    // line 9 is `  consumers: [orders-api, ordrs-api, nobody]`
    const found = reported(result, "unknown-consumer");
    expect(found.map((d) => [d.where, d.severity])).toEqual([
      ["secret.yaml:9:27", "error"],
      ["secret.yaml:9:38", "error"],
    ]);
    expectHelpfulMessage(found[0]!.message, "orders-db", "ordrs-api", "orders-api");
    expect(found[0]!.message).toContain('did you mean "orders-api"?');
    expect(found[1]!.message).toBe(
      'secret "orders-db" names consumer "nobody", which is not a Service; define a Service "nobody" in tenant "acme" or remove it',
    );
  });

  it("accepts a consumer of the same tenant, and leaves one of another tenant to tenant-isolation", () => {
    const result = validateText({
      ...background,
      "secret.yaml": doc.secret("orders-db", "acme", "monthly", ["orders-api", "ledger"]),
    });

    expect(reported(result, "unknown-consumer")).toEqual([]);
    expect(reported(result, "tenant-isolation")).toHaveLength(1);
  });

  it("does not call a consumer unknown when its Service is written but fails its schema", () => {
    const result = validateText({
      ...background,
      "billing.yaml": doc.service("billing", "acme", "mainframe"),
      "secret.yaml": doc.secret("orders-db", "acme", "monthly", ["billing"]),
    });

    expect(result.diagnostics.map((d) => d.rule)).toEqual(["schema"]);
  });
});
