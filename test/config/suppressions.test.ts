import { describe, expect, it } from "vitest";
import { findSuppressions } from "../../program/suppressions.js";
import { formatSarif } from "../../actions/validate/formats/sarif.js";
import { formatText } from "../../actions/validate/formats/text.js";
import { LOCKED_RULES } from "../../program/validate.js";
import { doc, validateText } from "../support/validate-text.js";

// A tenant, a schedule and a secret without consumers (secret-without-consumers, a warning at
// metadata.name).
const tenant = doc.tenant("acme");
const schedule = doc.schedule("monthly", "30d");
const lonely = (comment = "") => `apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: orders-db${comment}
  tenant: acme
spec:
  type: generic
  schedule: monthly
  consumers: []
`;
describe("findSuppressions", () => {
  it("reads the rule and the reason of a comment after content, covering that line", () => {
    const found = findSuppressions(
      "a.yaml",
      "a: 1\nb: 2  # vaultpilot:ignore unused-schedule -- kept for the Q3 migration\n",
    );

    expect(found).toEqual([
      {
        file: "a.yaml",
        line: 2,
        column: 7,
        rule: "unused-schedule",
        reason: "kept for the Q3 migration",
        from: 2,
        to: 2,
      },
    ]);
  });

  it("covers the whole document for a comment above its first key, and only that document", () => {
    const text = "a: 1\n---\n# vaultpilot:ignore x -- why\nb: 2\nc: 3\n---\nd: 4\n";

    expect(findSuppressions("f.yaml", text).map((s) => [s.line, s.from, s.to])).toEqual([
      [3, 3, 5],
    ]);
  });

  it("covers the next line with content for a comment on a line of its own inside a document", () => {
    const text = "a: 1\n# vaultpilot:ignore x -- why\n\nb: 2\n";

    expect(findSuppressions("f.yaml", text).map((s) => [s.line, s.from, s.to])).toEqual([
      [2, 4, 4],
    ]);
  });

  it("keeps a missing reason as missing, and finds nothing in a file without the marker", () => {
    expect(findSuppressions("f.yaml", "a: 1 # vaultpilot:ignore x\n")[0]?.reason).toBeUndefined();
    expect(findSuppressions("f.yaml", "a: 1 # ignore x -- y\n")).toEqual([]);
  });
});

describe("inline suppressions in validation", () => {
  it("moves a diagnostic a suppression with a reason covers out of the counted ones, with its justification", () => {
    const result = validateText({
      "p.yaml": [
        tenant,
        schedule,
        lonely("  # vaultpilot:ignore secret-without-consumers -- read by the nightly batch"),
      ].join("---\n"),
    });

    expect(result.diagnostics).toEqual([]);
    expect(result.suppressed).toEqual([
      expect.objectContaining({
        rule: "secret-without-consumers",
        line: 21,
        justification: "read by the nightly batch",
        suppressedAt: { file: "p.yaml", line: 21, column: 20 },
      }),
    ]);
  });

  it("does not count a suppressed error: a plan limit exceeded by agreement still builds the model", () => {
    const free = doc.tenant("acme", "free");
    const secrets = ["key-1", "key-2", "key-3", "key-4", "key-5", "key-6"].map(
      (name) => `apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: ${name}
  tenant: acme
spec:
  type: generic
  schedule: monthly
  consumers: [orders-api]
`,
    );
    const result = validateText({
      "p.yaml": [
        "# vaultpilot:ignore plan-limits -- upgrade to pro signed, billing catches up on the 1st\n" +
          free,
        schedule,
        doc.service("orders-api", "acme"),
        ...secrets,
      ].join("---\n"),
    });

    expect(result.diagnostics).toEqual([]);
    expect(result.suppressed.map((d) => d.rule)).toEqual(["plan-limits"]);
    expect(result.model?.tenants[0]?.secrets).toHaveLength(6);
  });

  it("warns about a suppression without a reason, and does not apply it", () => {
    const result = validateText({
      "p.yaml": [tenant, schedule, lonely("  # vaultpilot:ignore secret-without-consumers")].join(
        "---\n",
      ),
    });

    expect(result.diagnostics.map((d) => `${d.line} ${d.severity} ${d.rule}`)).toEqual([
      "21 warning secret-without-consumers",
      "21 warning suppression-reason",
    ]);
    expect(result.suppressed).toEqual([]);
  });

  it("warns about a suppression whose rule reported nothing where it stands", () => {
    const result = validateText({
      "p.yaml": [
        tenant,
        schedule,
        lonely("  # vaultpilot:ignore plan-limits -- just in case"),
      ].join("---\n"),
    });

    expect(result.diagnostics.map((d) => `${d.line} ${d.rule}: ${d.message}`)).toEqual([
      '21 secret-without-consumers: secret "orders-db" has no consumers, so no service is reloaded when it rotates; list them in spec.consumers, or delete the secret if nothing uses it',
      '21 unused-suppression: rule "plan-limits" reports nothing on line 21, so this suppression is not needed; remove it',
    ]);
  });

  it("refuses to suppress rules the stack cannot be built without, and names unknown rules", () => {
    const result = validateText({
      "p.yaml": `# vaultpilot:ignore schema -- trust me\n${tenant.replace("plan: pro", "plan: gold")}---\n${schedule.replace("every: 30d", "every: 30d # vaultpilot:ignore no-such-rule -- typo")}`,
    });

    expect(result.diagnostics.map((d) => `${d.line} ${d.severity} ${d.rule}`)).toEqual([
      "1 warning unused-suppression",
      "7 error schema",
      "15 warning unused-schedule",
      "17 warning unused-suppression",
    ]);
    expect(result.diagnostics[0]!.message).toContain('rule "schema" cannot be suppressed');
    expect(result.diagnostics[3]!.message).toContain(
      '"no-such-rule", which is not a VaultPilot rule',
    );
  });

  it("lists suppressed diagnostics in text output, with their reasons, apart from the counted ones", () => {
    const result = validateText({
      "p.yaml": [
        tenant,
        schedule,
        lonely("  # vaultpilot:ignore secret-without-consumers -- read by the nightly batch"),
      ].join("---\n"),
    });

    expect(formatText(result, { color: false })).toBe(
      'p.yaml:21:9  suppressed  secret-without-consumers  secret "orders-db" has no consumers, so no service is reloaded when it rotates; list them in spec.consumers, or delete the secret if nothing uses it (read by the nightly batch)\n' +
        "✔ 1 file, 3 documents: no problems (1 suppressed)\n",
    );
  });

  it("keeps suppressed diagnostics in SARIF as results with an in-source suppression and its justification", () => {
    const result = validateText({
      "p.yaml": [
        tenant,
        schedule,
        lonely("  # vaultpilot:ignore secret-without-consumers -- read by the nightly batch"),
      ].join("---\n"),
    });

    const sarif = JSON.parse(formatSarif(result, (f) => `policies/${f}`)) as {
      runs: { results: { ruleId: string; suppressions?: unknown }[] }[];
    };

    expect(sarif.runs[0]!.results).toEqual([
      expect.objectContaining({
        ruleId: "secret-without-consumers",
        suppressions: [{ kind: "inSource", justification: "read by the nightly batch" }],
      }),
    ]);
  });
});

describe("the rules a suppression or the config cannot silence", () => {
  it("are the loader's and document errors, references, durations, connections and reloads", () => {
    expect([...LOCKED_RULES].sort()).toEqual([
      "api-version",
      "connection-details",
      "country-code",
      "document-shape",
      "duplicate-name",
      "entry-point",
      "file-encoding",
      "file-too-large",
      "file-unreadable",
      "log-retention",
      "master-secret",
      "notification-route",
      "notification-secret-value",
      "password-policy",
      "reload-runtime",
      "rotation-interval",
      "rotation-window",
      "schema",
      "tenant-isolation",
      "unknown-consumer",
      "unknown-kind",
      "unknown-schedule",
      "unknown-tenant",
      "waf-allow-all",
      "waf-cidr",
      "waf-rate-limit",
      "yaml-syntax",
    ]);
  });
});

describe("rule severities from the config", () => {
  it("drops a rule set to off and changes the severity of one set to error", () => {
    const files = {
      "p.yaml": [tenant, schedule, doc.schedule("yearly", "365d"), lonely()].join("---\n"),
    };

    const result = validateText(files, {
      rules: { "unused-schedule": "off", "secret-without-consumers": "error" },
    });

    expect(result.diagnostics.map((d) => `${d.severity} ${d.rule}`)).toEqual([
      "error secret-without-consumers",
    ]);
    expect(result.model).toBeUndefined();
  });
});
