import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, test } from "vitest";
import { CATALOGS, FRAMEWORKS, type Catalog } from "../../actions/report/catalog.js";
import { catalogProblems } from "../../actions/report/catalog-check.js";
import { CHECKS } from "../../actions/report/checks/index.js";

const schema = JSON.parse(readFileSync("compliance/catalog.schema.json", "utf8")) as object;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const checkIds = new Set(CHECKS.keys());

describe("compliance catalogs", () => {
  test.each(FRAMEWORKS)("the %s catalog matches compliance/catalog.schema.json", (framework) => {
    const file = JSON.parse(
      readFileSync(`compliance/catalogs/${framework}.json`, "utf8"),
    ) as object;
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    expect(CATALOGS[framework].framework).toBe(framework);
  });

  test("each catalog's control list is pinned", () => {
    const lists = Object.fromEntries(
      FRAMEWORKS.map((f) => [
        f,
        CATALOGS[f].controls.map((c) => `${c.id}${c.manual ? " (manual)" : ""}`),
      ]),
    );
    expect(lists).toEqual({
      soc2: [
        "CC6.1",
        "CC6.2",
        "CC6.3",
        "CC6.7",
        "CC6.1-passwords",
        "CC7.2",
        "CC8.1 (manual)",
        "A1.2",
      ],
      iso27001: [
        "A.5.15",
        "A.5.17",
        "A.5.18",
        "A.5.14",
        "A.8.24",
        "A.8.15",
        "A.8.16",
        "A.8.32 (manual)",
      ],
      "pci-dss": [
        "3.6.1",
        "3.7.4",
        "3.7.5",
        "4.2.1",
        "7.2.2",
        "8.2.6",
        "8.3.6",
        "8.3.9",
        "8.6.3",
        "10.5.1",
        "10.7.2",
        "6.5.1 (manual)",
        "12.3.1 (manual)",
      ],
      hipaa: [
        "164.312(a)(1)",
        "164.312(a)(2)(iv)",
        "164.312(b)",
        "164.312(d)",
        "164.312(e)(1)",
        "164.308(a)(1)(ii)(D)",
        "164.308(a)(3)(ii)(C)",
        "164.308(a)(7)(ii)(B) (manual)",
      ],
      fsbp: [
        "SecretsManager.1",
        "SecretsManager.2",
        "SecretsManager.3",
        "SecretsManager.4",
        "KMS.2",
        "KMS.3",
        "KMS.4",
      ],
    });
  });

  test.each(FRAMEWORKS)("every check the %s catalog names exists", (framework) => {
    expect(catalogProblems(CATALOGS[framework], checkIds)).toEqual([]);
  });

  test("a catalog entry naming a check that does not exist is reported with the known ids", () => {
    const broken: Catalog = {
      ...CATALOGS.fsbp,
      controls: [
        {
          ...CATALOGS.fsbp.controls[0]!,
          checks: ["secret-rotation-enabled", "secret-rotaton-enabled"],
        },
      ],
    };
    const [problem, ...rest] = catalogProblems(broken, checkIds);
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^fsbp SecretsManager\.1: no check "secret-rotaton-enabled" \(checks: .*secret-rotation-enabled/,
    );
  });

  test("every control names the section it maps to and the FSBP controls are Security Hub ids", () => {
    for (const framework of FRAMEWORKS) {
      for (const control of CATALOGS[framework].controls) expect(control.reference).not.toBe("");
    }
    for (const control of CATALOGS.fsbp.controls) {
      expect(control.reference).toBe(`Security Hub control ${control.id}`);
    }
  });

  test("every check is used by some catalog, so none is dead", () => {
    const used = new Set(
      FRAMEWORKS.flatMap((f) => CATALOGS[f].controls.flatMap((c) => c.checks ?? [])),
    );
    expect([...checkIds].filter((id) => !used.has(id))).toEqual([]);
  });
});

describe("check registry", () => {
  test("the list of checks, their kinds and their file names are pinned", () => {
    expect(Object.fromEntries([...CHECKS].map(([id, check]) => [id, check.kind]))).toEqual({
      "rotation-enabled": "static",
      "rotation-interval": "static",
      "secret-encrypted-with-tenant-key": "static",
      "tenant-key-rotation": "static",
      "tenant-key-deletion-window": "static",
      "iam-least-privilege": "static",
      "database-tls": "static",
      "password-length": "static",
      "log-retention": "static",
      "secret-rotation-enabled": "live",
      "secret-rotated-within": "live",
      "secret-unused": "live",
      "key-rotation-enabled": "live",
      "key-not-pending-deletion": "live",
      "rotation-failures": "history",
      "rotation-success-rate": "history",
    });
    for (const id of CHECKS.keys()) {
      expect(readFileSync(`actions/report/checks/${id}.ts`, "utf8")).toContain(`id: "${id}"`);
    }
  });
});
