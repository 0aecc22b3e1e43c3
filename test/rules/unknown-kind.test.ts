import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

describe("rule unknown-kind", () => {
  it("reports a misspelt kind at its value with the kind it resembles", () => {
    const result = validateText({ "tenant.yaml": doc.tenant("acme").replace("Tenant", "Tennant") });

    const [found, ...rest] = reported(result, "unknown-kind");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "tenant.yaml:2:7", severity: "error" });
    expectHelpfulMessage(found!.message, "Tennant", "Tenant");
    expect(found!.message).toContain('did you mean "Tenant"?');
  });

  it("reports a kind that resembles none with the list of kinds", () => {
    const result = validateText({ "x.yaml": "apiVersion: vaultpilot.dev/v1\nkind: Database\n" });

    expect(reported(result, "unknown-kind")).toEqual([
      {
        where: "x.yaml:2:7",
        severity: "error",
        message: 'unknown kind "Database"; use one of Tenant, RotationSchedule, Secret, Service',
      },
    ]);
  });

  it("reports a missing kind at the start of that document", () => {
    const result = validateText({
      "x.yaml": yamlFile(
        doc.tenant("acme"),
        "apiVersion: vaultpilot.dev/v1\nmetadata:\n  name: x\n",
      ),
    });

    expect(reported(result, "unknown-kind")).toEqual([
      {
        where: "x.yaml:11:1",
        severity: "error",
        message: "document has no kind; add one of Tenant, RotationSchedule, Secret, Service",
      },
    ]);
  });

  it("reports a kind that is not a string, quoting it", () => {
    const result = validateText({ "x.yaml": "apiVersion: vaultpilot.dev/v1\nkind: [Tenant]\n" });

    const [found] = reported(result, "unknown-kind");
    expect(found).toMatchObject({ where: "x.yaml:2:7", severity: "error" });
    expect(found!.message).toBe(
      'unknown kind ["Tenant"]; use one of Tenant, RotationSchedule, Secret, Service',
    );
  });

  it("accepts the four kinds, and is case-sensitive about them", () => {
    const clean = validateText({
      "all.yaml": yamlFile(
        doc.tenant("acme"),
        doc.schedule("monthly", "30d"),
        doc.secret("orders-db", "acme", "monthly", ["orders-api"]),
        doc.service("orders-api", "acme"),
      ),
    });
    const lowercase = validateText({ "t.yaml": doc.tenant("acme").replace("Tenant", "tenant") });

    expect(reported(clean, "unknown-kind")).toEqual([]);
    expect(reported(lowercase, "unknown-kind")[0]!.message).toContain('did you mean "Tenant"?');
  });
});
