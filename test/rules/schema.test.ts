import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

// doc.tenant("acme") is, line by line:
// 1 apiVersion: vaultpilot.dev/v1 / 2 kind: Tenant / 3 metadata: / 4   name: acme / 5 spec:
// 6   plan: pro / 7   aws: / 8     account: "123456789012" / 9     region: us-east-1
const TENANT = doc.tenant("acme");

describe("rule schema", () => {
  it("reports a missing required property at its parent key", () => {
    const result = validateText({ "t.yaml": TENANT.replace('    account: "123456789012"\n', "") });

    const [found, ...rest] = reported(result, "schema");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "t.yaml:7:3", severity: "error" });
    expectHelpfulMessage(found!.message, "account");
    expect(found!.message).toMatch(
      /^spec\.aws: missing required property "account"; add it \(The 12-digit/,
    );
  });

  it("reports a missing top-level property at the start of its document", () => {
    const result = validateText({
      "t.yaml": yamlFile(
        doc.tenant("globex"),
        "apiVersion: vaultpilot.dev/v1\nkind: Tenant\nmetadata:\n  name: acme\n",
      ),
    });

    expect(reported(result, "schema")).toEqual([
      {
        where: "t.yaml:11:1",
        severity: "error",
        message:
          'document: missing required property "spec"; add it (What the tenant has bought and must comply with)',
      },
    ]);
  });

  it("reports an unknown property at its key, with the property it resembles", () => {
    const result = validateText({
      "t.yaml": TENANT.replace("  aws:", "  complience: [pci-dss]\n  aws:"),
    });

    expect(reported(result, "schema")).toEqual([
      {
        where: "t.yaml:7:3",
        severity: "error",
        message: 'spec: unknown property "complience"; did you mean "compliance"?',
      },
    ]);
  });

  it("reports an unknown property that resembles none with the properties allowed there", () => {
    const result = validateText({ "t.yaml": TENANT.replace("  aws:", "  colour: red\n  aws:") });

    const [found] = reported(result, "schema");
    expect(found!.where).toBe("t.yaml:7:3");
    // Areas add optional tenant fields after these (kubernetes, ...): the core three come first.
    expect(found!.message).toMatch(
      /^spec: unknown property "colour"; remove it \(allowed here: plan, compliance, aws(, [a-zA-Z]+)*\)$/,
    );
  });

  it("reports a value outside an enum at the value, suggesting the nearest", () => {
    const gold = validateText({ "t.yaml": TENANT.replace("plan: pro", "plan: gold") });
    const typo = validateText({ "t.yaml": TENANT.replace("plan: pro", "plan: busines") });

    expect(reported(gold, "schema")).toEqual([
      {
        where: "t.yaml:6:9",
        severity: "error",
        message: 'spec.plan: "gold" is not allowed; use one of free, pro, business, enterprise',
      },
    ]);
    expect(reported(typo, "schema")[0]).toMatchObject({ where: "t.yaml:6:9" });
    expectHelpfulMessage(reported(typo, "schema")[0]!.message, "busines", "business");
  });

  it("reports a value that does not match its pattern at the value, with the field's description", () => {
    const result = validateText({ "t.yaml": TENANT.replace('"123456789012"', '"12345"') });

    const [found] = reported(result, "schema");
    expect(found).toMatchObject({ where: "t.yaml:8:14", severity: "error" });
    expect(found!.message).toMatch(
      /^spec\.aws\.account: "12345" is not valid; fix it: The 12-digit AWS account id/,
    );
  });

  it("reports a value of the wrong type at the value", () => {
    const result = validateText({ "t.yaml": TENANT.replace("name: acme", "name: [acme]") });

    expect(reported(result, "schema")).toEqual([
      {
        where: "t.yaml:4:9",
        severity: "error",
        message: "metadata.name: a list is not allowed here; use a string",
      },
    ]);
  });

  it("never repeats a value pasted where a credential's source belongs", () => {
    const canary = "CANARY-approle-secret-id-9f2c";
    const result = validateText({
      "t.yaml":
        TENANT +
        "  store:\n    type: vault\n    address: https://bao.example.com\n" +
        `    auth:\n      method: approle\n      roleId: web\n      secretId: ${canary}\n`,
    });

    expect(reported(result, "schema")).toEqual([
      {
        where: "t.yaml:16:17",
        severity: "error",
        message:
          "spec.store.auth.secretId: a string (not shown: it may be a credential) is not allowed here; use a map",
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(canary);
  });

  it("reports an item listed twice at the second one", () => {
    const result = validateText({
      "t.yaml": TENANT.replace("  aws:", "  compliance: [pci-dss, soc2, pci-dss]\n  aws:"),
    });

    expect(reported(result, "schema")).toEqual([
      {
        where: "t.yaml:7:31",
        severity: "error",
        message: 'spec.compliance: "pci-dss" is listed twice; remove one',
      },
    ]);
  });

  it("reports every problem of a document, each at its own place", () => {
    const result = validateText({
      "t.yaml": TENANT.replace("plan: pro", "plan: gold").replace(
        "region: us-east-1",
        "region: mars",
      ),
    });

    expect(reported(result, "schema").map((d) => d.where)).toEqual(["t.yaml:6:9", "t.yaml:9:13"]);
  });

  it("accepts each kind with and without its optional properties", () => {
    const result = validateText({
      "all.yaml": yamlFile(
        doc.tenant("acme"),
        doc.tenant("globex", "business", ["pci-dss", "soc2"]),
        doc.schedule("monthly", "30d"),
        doc.schedule("weekly", "7d", { start: "01:00", duration: "3h" }),
        doc.secret("orders-db", "acme", "monthly", ["orders-api"]),
        doc.secret("ledger-db", "globex", "weekly", ["ledger"]),
        doc.service("orders-api", "acme", "kubernetes"),
        doc.service("ledger", "globex", "lambda"),
      ),
    });

    expect(result.diagnostics).toEqual([]);
  });

  it("keeps a document that fails its schema out of the policy rules", () => {
    // The schedule does not exist, but the secret's type is invalid: only the schema speaks.
    const result = validateText({
      "s.yaml": yamlFile(
        doc.tenant("acme"),
        doc.secret("orders-db", "acme", "hourly").replace("generic", "password"),
      ),
    });

    expect(result.diagnostics.map((d) => d.rule)).toEqual(["schema"]);
  });
});

describe("rule schema, on what the author typed", () => {
  it.each([
    ["U+200B ZERO WIDTH SPACE, invisible", "ac\u200bme", '"ac<U+200B>me"', 11],
    [
      "U+00A0 NO-BREAK SPACE, a space that is not the ASCII space",
      "acme\u00a0",
      '"acme<U+00A0>"',
      13,
    ],
    ['U+0430, a Cyrillic letter that looks like "a"', "\u0430cme", '"<U+0430>cme"', 9],
    ['U+03BF, a Greek letter that looks like "o"', "gl\u03bfbex", '"gl<U+03BF>bex"', 11],
  ])("names %s in a name by its code point and column", (description, name, shown, column) => {
    const result = validateText({ "t.yaml": TENANT.replace("name: acme", `name: ${name}`) });

    expect(reported(result, "schema")).toEqual([
      {
        where: `t.yaml:4:${column}`,
        severity: "error",
        message: `metadata.name: ${shown} holds ${description}, at line 4, column ${column}; it looks right but is not: delete it and retype the value in plain ASCII`,
      },
    ]);
  });

  it("names a lookalike character in a reference (a secret's schedule) too", () => {
    const result = validateText({
      "t.yaml": yamlFile(
        TENANT,
        doc.schedule("monthly", "30d"),
        doc.secret("db-main", "acme", "m\u043enthly"),
      ),
    });

    const [found] = reported(result, "schema");
    expect(found!.message).toMatch(
      /^spec\.schedule: "m<U\+043E>nthly" holds U\+043E, a Cyrillic letter that looks like "o", at line \d+, column \d+;/,
    );
  });

  it("shows an unquoted account id as typed, not the number YAML made of it", () => {
    const result = validateText({
      "t.yaml": TENANT.replace('account: "123456789012"', "account: 012345678901"),
    });

    expect(reported(result, "schema")).toEqual([
      {
        where: "t.yaml:8:14",
        severity: "error",
        message:
          'spec.aws.account: 012345678901 is read by YAML as a number 12345678901, not text; quote it to keep it as typed: "012345678901"',
      },
    ]);
  });

  it("shows a YAML 1.1 sexagesimal time as typed, not as the number of minutes", () => {
    const result = validateText({
      "s.yaml": `%YAML 1.1\n---\n${doc.schedule("nightly", "30d")}  window: { start: 01:30, duration: 2h }\n`,
    });

    const [found] = reported(result, "schema");
    expect(found!.message).toBe(
      'spec.window.start: 01:30 is read by YAML as a number 90, not text; quote it to keep it as typed: "01:30"',
    );
  });
});
