import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

describe("rule api-version", () => {
  it("reports an apiVersion other than vaultpilot.dev/v1 at its value", () => {
    const result = validateText({
      "tenant.yaml": doc.tenant("acme").replace("vaultpilot.dev/v1", "vaultpilot.dev/v2"),
    });

    const [found, ...rest] = reported(result, "api-version");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "tenant.yaml:1:13", severity: "error" });
    expectHelpfulMessage(found!.message, "vaultpilot.dev/v2", "vaultpilot.dev/v1");
  });

  it("reports a missing apiVersion at the start of that document, not of the file", () => {
    const second = doc.tenant("globex").replace("apiVersion: vaultpilot.dev/v1\n", "");
    const result = validateText({ "tenants.yaml": yamlFile(doc.tenant("acme"), second) });

    const found = reported(result, "api-version");
    expect(found).toEqual([
      {
        where: "tenants.yaml:11:1",
        severity: "error",
        message: 'document has no apiVersion; add "apiVersion: vaultpilot.dev/v1"',
      },
    ]);
  });

  it("accepts vaultpilot.dev/v1 on every kind", () => {
    const result = validateText({
      "all.yaml": yamlFile(
        doc.tenant("acme"),
        doc.schedule("monthly", "30d"),
        doc.secret("orders-db", "acme", "monthly", ["orders-api"]),
        doc.service("orders-api", "acme"),
      ),
    });

    expect(result.diagnostics).toEqual([]);
  });

  it("stops checking a document whose apiVersion is wrong, so its schema errors do not pile up", () => {
    const result = validateText({
      "tenant.yaml": "apiVersion: v0\nkind: Tenant\nunexpected: true\n",
    });

    expect(result.diagnostics.map((d) => d.rule)).toEqual(["api-version"]);
  });
});
