import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as rules from "../../program/rules/index.js";
import { DOCUMENT_RULES, LOADER_RULES, POLICY_RULES } from "../../program/validate.js";
import { doc, validateText, yamlFile } from "../support/validate-text.js";

const ids = (list: readonly { id: string; severity: string }[]) =>
  list.map((rule) => `${rule.id} ${rule.severity}`);

describe("the rule registry", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("runs these document rules, in this order", () => {
    expect(ids(DOCUMENT_RULES)).toEqual([
      "api-version error",
      "unknown-kind error",
      "notification-secret-value error",
      "schema error",
    ]);
  });

  it("runs these policy rules", () => {
    expect(ids(POLICY_RULES)).toEqual([
      "duplicate-name error",
      "unknown-tenant error",
      "unknown-schedule error",
      "unknown-consumer error",
      "tenant-isolation error",
      "rotation-interval error",
      "rotation-window error",
      "plan-limits error",
      "compliance-rotation error",
      "secret-without-consumers warning",
      "unused-schedule warning",
      "connection-details error",
      "master-secret error",
      "password-policy error",
      "reload-runtime error",
      "kubernetes-cluster warning",
      "azure-ids error",
      "azure-location error",
      "azure-key-vault-name error",
      "azure-delivery error",
      "disaster-recovery-region error",
      "backup-cold-storage error",
      "backup-retention warning",
      "backup-vault-lock error",
      "kubernetes-namespace error",
      "kubernetes-delivery error",
      "delivery-propagation error",
      "single-user-delivery warning",
      "notification-route error",
      "vault-store-address error",
      "vault-store-auth error",
      "vault-store-delivery error",
      "vault-store-fields error",
      "entry-point error",
      "waf-cidr error",
      "waf-allow-all error",
      "waf-rate-limit error",
      "country-code error",
      "log-retention error",
      "compliance-log-retention error",
    ]);
  });

  it("lists these loader rules", () => {
    expect(ids(LOADER_RULES)).toEqual([
      "file-unreadable error",
      "file-too-large error",
      "file-encoding error",
      "yaml-syntax error",
      "document-shape error",
      "empty-file warning",
    ]);
  });

  it("registers every file of program/rules/ under the file's name, and nothing else", () => {
    const files = readdirSync("program/rules")
      .filter((name) => name.endsWith(".ts") && name !== "rule.ts" && name !== "index.ts")
      .map((name) => name.replace(/\.ts$/, ""))
      .sort();
    const registered = [...DOCUMENT_RULES, ...POLICY_RULES].map((rule) => rule.id).sort();

    expect(registered).toEqual(files);
    expect(Object.keys(rules).length).toBe(files.length);
  });

  it("gives every rule a one-sentence description for SARIF and the README", () => {
    for (const rule of [...DOCUMENT_RULES, ...POLICY_RULES, ...LOADER_RULES]) {
      expect(rule.description, rule.id).toMatch(/^\S.{10,}\.$/);
    }
  });

  it("reports a rule that throws as a diagnostic of that rule, and still runs the others", () => {
    vi.spyOn(rules.planLimits, "check").mockImplementation(() => {
      throw new TypeError("boom");
    });

    const result = validateText({
      "schedules.yaml": yamlFile(doc.schedule("monthly", "30d"), doc.schedule("yearly", "365d")),
      "acme.yaml": yamlFile(
        doc.tenant("acme"),
        doc.service("api", "acme"),
        doc.secret("app-db", "acme", "monthly", ["api"]),
      ),
    });

    expect(result.diagnostics.map((d) => `${d.rule} ${d.severity} ${d.message}`)).toEqual([
      "plan-limits error the rule failed (boom); this is a VaultPilot bug: please report it",
      'unused-schedule warning schedule "yearly" is used by no secret; use it or delete it',
    ]);
    expect(result.model).toBeUndefined();
  });
});
