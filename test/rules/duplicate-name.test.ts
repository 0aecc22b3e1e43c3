import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

const SCHEDULES = doc.schedule("monthly", "30d");

describe("rule duplicate-name", () => {
  it("reports a tenant defined twice at the second name, naming the first place", () => {
    const result = validateText({
      "a/tenant.yaml": doc.tenant("acme"),
      "b/tenant.yaml": doc.tenant("acme", "business"),
    });

    const [found, ...rest] = reported(result, "duplicate-name");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "b/tenant.yaml:4:9", severity: "error" });
    expectHelpfulMessage(found!.message, "acme");
    expect(found!.message).toContain("a/tenant.yaml:4:9");
    const diagnostic = result.diagnostics.find((d) => d.rule === "duplicate-name")!;
    expect(diagnostic.related).toEqual([
      { file: "a/tenant.yaml", line: 4, column: 9, message: "first defined here" },
    ]);
  });

  it("reports a secret defined twice in one tenant, in the same file", () => {
    const result = validateText({
      "schedules.yaml": SCHEDULES,
      "acme.yaml": yamlFile(
        doc.tenant("acme"),
        doc.service("api", "acme"),
        doc.secret("orders-db", "acme", "monthly", ["api"]),
        doc.secret("orders-db", "acme", "monthly", ["api"]),
      ),
    });

    // tenant: lines 1-9, service 11-17, first secret 19-27, second secret 29-37.
    expect(reported(result, "duplicate-name")).toEqual([
      {
        where: "acme.yaml:32:9",
        severity: "error",
        message:
          'Secret "orders-db" is defined twice in tenant "acme": here and at acme.yaml:22:9; rename or remove one',
      },
    ]);
  });

  it("reports a schedule and a service defined twice", () => {
    const result = validateText({
      "schedules.yaml": yamlFile(SCHEDULES, SCHEDULES),
      "acme.yaml": yamlFile(
        doc.tenant("acme"),
        doc.service("api", "acme"),
        doc.service("api", "acme"),
      ),
    });

    expect(reported(result, "duplicate-name").map((d) => d.where)).toEqual([
      "acme.yaml:22:9",
      "schedules.yaml:11:9",
    ]);
  });

  it("accepts the same secret or service name in two tenants, and one name across kinds", () => {
    const result = validateText({
      "schedules.yaml": doc.schedule("orders", "30d"),
      "acme.yaml": yamlFile(
        doc.tenant("acme"),
        doc.service("orders", "acme"),
        doc.secret("orders", "acme", "orders", ["orders"]),
      ),
      "globex.yaml": yamlFile(
        doc.tenant("globex"),
        doc.service("orders", "globex"),
        doc.secret("orders", "globex", "orders", ["orders"]),
      ),
    });

    expect(reported(result, "duplicate-name")).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });
});
