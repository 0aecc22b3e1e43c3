import { describe, expect, test } from "vitest";
import type { Finding } from "../../actions/drift/checks.js";
import { formatJson } from "../../actions/drift/formats/json.js";
import { formatMarkdown } from "../../actions/drift/formats/markdown.js";
import { formatSarif } from "../../actions/drift/formats/sarif.js";
import { formatText } from "../../actions/drift/formats/text.js";
import { summarize, type DriftResult } from "../../actions/drift/result.js";

const findings: Finding[] = [
  {
    tenant: "acme",
    resource: "vaultpilot/acme/orders-db",
    check: "rotation-enabled",
    expected: "enabled",
    actual: "disabled",
    severity: "error",
  },
  {
    tenant: "globex",
    resource: "vaultpilot/globex/legacy|token",
    check: "unmanaged-secret",
    expected: "declared by a policy",
    actual: "not declared <script>",
    severity: "warning",
  },
];
const scope = {
  stack: "prod",
  tenants: 3,
  secrets: 12,
  accounts: 3,
  deep: false,
  at: "2026-11-24T03:17:00.000Z",
};
const drift: DriftResult = { findings, summary: summarize(findings, scope) };
const clean: DriftResult = { findings: [], summary: summarize([], scope) };

describe("drift text format", () => {
  test("prints one line per finding and a summary line", () => {
    expect(formatText(drift, { color: false })).toBe(
      "error    acme  vaultpilot/acme/orders-db  rotation-enabled  expected enabled; found disabled\n" +
        "warning  globex  vaultpilot/globex/legacy|token  unmanaged-secret  expected declared by a policy; found not declared <script>\n" +
        "\n" +
        "✖ drift: 2 findings (1 error, 1 warning) in 3 tenants, 12 secrets, 3 accounts (stack prod)\n",
    );
  });

  test("says no drift when clean", () => {
    expect(formatText(clean, { color: false })).toBe(
      "✔ no drift: 3 tenants, 12 secrets, 3 accounts (stack prod)\n",
    );
  });
});

describe("drift json format", () => {
  test("prints findings with exactly tenant, resource, check, expected, actual, severity, and the summary", () => {
    const parsed = JSON.parse(formatJson(drift)) as { findings: object[]; summary: object };
    expect(Object.keys(parsed)).toEqual(["findings", "summary"]);
    expect(parsed.findings.map((f) => Object.keys(f))).toEqual([
      ["tenant", "resource", "check", "expected", "actual", "severity"],
      ["tenant", "resource", "check", "expected", "actual", "severity"],
    ]);
    expect(parsed.summary).toEqual({
      stack: "prod",
      tenants: 3,
      secrets: 12,
      accounts: 3,
      findings: 2,
      errors: 1,
      warnings: 1,
      checks: { "rotation-enabled": 1, "unmanaged-secret": 1 },
      deep: false,
      at: "2026-11-24T03:17:00.000Z",
    });
  });
});

describe("drift markdown format", () => {
  test("prints a summary, a count per check and a table with cells escaped", () => {
    expect(formatMarkdown(drift)).toBe(
      [
        "## Drift in stack `prod`: 2 findings (1 error, 1 warning)",
        "",
        "3 tenants, 12 secrets, 3 accounts, checked 2026-11-24T03:17:00.000Z.",
        "",
        "| check | findings |",
        "| --- | ---: |",
        "| `rotation-enabled` | 1 |",
        "| `unmanaged-secret` | 1 |",
        "",
        "| severity | tenant | resource | check | expected | found |",
        "| --- | --- | --- | --- | --- | --- |",
        "| error | acme | `vaultpilot/acme/orders-db` | `rotation-enabled` | enabled | disabled |",
        "| warning | globex | `vaultpilot/globex/legacy\\|token` | `unmanaged-secret` | declared by a policy | not declared &lt;script&gt; |",
        "",
      ].join("\n"),
    );
  });

  test("says none when clean", () => {
    expect(formatMarkdown(clean)).toBe(
      "## Drift in stack `prod`: none\n\nNo drift: 3 tenants, 12 secrets, 3 accounts, checked 2026-11-24T03:17:00.000Z.\n",
    );
  });

  test("cuts the table at the limit and says how many findings it left out", () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({
      ...findings[0]!,
      resource: `vaultpilot/acme/s-${i}`,
    }));
    const text = formatMarkdown(
      { findings: many, summary: summarize(many, scope) },
      { limit: 10_000 },
    );
    expect(text.length).toBeLessThanOrEqual(10_000);
    const rows = text.split("\n").filter((l) => l.startsWith("| error |")).length;
    expect(text).toContain(
      `\n${2000 - rows} more findings not shown: see the workflow's drift.json artifact.\n`,
    );
  });
});

describe("drift sarif format", () => {
  test("has a results array, every check as a rule, and each finding at its policy document", () => {
    const log = JSON.parse(
      formatSarif(
        drift,
        (f) =>
          f.tenant === "acme"
            ? { file: "policies/tenants/acme/secrets.yaml", line: 5, column: 9 }
            : undefined,
        "policies",
      ),
    ) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string; help: { text: string } }[] } };
        automationDetails: { id: string };
        results: {
          ruleId: string;
          level: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0]!;
    expect(run.automationDetails.id).toBe("vaultpilot/drift/prod/");
    expect(run.tool.driver.rules.map((r) => r.id)).toContain("secret-resource-policy");
    expect(run.tool.driver.rules.every((r) => r.help.text.length > 0)).toBe(true);
    expect(
      run.results.map((r) => [
        r.ruleId,
        r.level,
        r.locations[0]!.physicalLocation.artifactLocation.uri,
        r.locations[0]!.physicalLocation.region.startLine,
      ]),
    ).toEqual([
      ["rotation-enabled", "error", "policies/tenants/acme/secrets.yaml", 5],
      ["unmanaged-secret", "warning", "policies", 1],
    ]);
    const empty = JSON.parse(formatSarif(clean, () => undefined, "policies")) as {
      runs: { results: unknown[] }[];
    };
    expect(empty.runs[0]!.results).toEqual([]);
  });
});
