import { describe, expect, test } from "vitest";
import type { AuditEvent } from "../../components/rotation/ports.js";
import { statementProblems } from "../../actions/report/checks/iam-least-privilege.js";
import { rotations } from "../../actions/report/checks/rotation-history.js";
import { pullRequestOf } from "../../actions/report/evidence.js";
import { csvField } from "../../actions/report/formats/csv.js";
import { escapeHtml } from "../../actions/report/formats/html.js";
import { parseSince } from "../../actions/report/report-command.js";
import { controlStatus, exitCode, type Report } from "../../actions/report/result.js";

const policy = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const tenants = new Set(["acme", "globex"]);

describe("statementProblems", () => {
  test("reports wildcard actions, decryption with every key and another tenant's resources", () => {
    const document = policy(
      {
        Effect: "Allow",
        Action: "secretsmanager:*",
        Resource: "arn:aws:secretsmanager:us-east-1:1:secret:vaultpilot/acme/a-??????",
      },
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: ["arn:aws:secretsmanager:us-east-1:1:secret:vaultpilot/globex/db-??????"],
      },
      {
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: "arn:aws:kms:us-east-1:1:key/k-globex",
      },
    );
    expect(statementProblems(document, "acme", tenants, new Map([["k-globex", "globex"]]))).toEqual(
      [
        'wildcard action "secretsmanager:*"',
        '"kms:Decrypt" on every key (Resource "*")',
        'resource of tenant "globex": arn:aws:secretsmanager:us-east-1:1:secret:vaultpilot/globex/db-??????',
        'key of tenant "globex": arn:aws:kms:us-east-1:1:key/k-globex',
      ],
    );
  });

  test("accepts named actions on the tenant's own resources, Resource * for actions without resources, and Deny statements", () => {
    const document = policy(
      { Effect: "Allow", Action: ["secretsmanager:GetRandomPassword"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: "arn:aws:secretsmanager:us-east-1:1:secret:vaultpilot/acme/db-??????",
      },
      { Effect: "Deny", Action: "*", Resource: "*" },
    );
    expect(statementProblems(document, "acme", tenants, new Map())).toEqual([]);
  });

  test("a tenant whose name starts like another's is not mistaken for it", () => {
    const document = policy({
      Effect: "Allow",
      Action: "sns:Publish",
      Resource: "arn:aws:sns:us-east-1:1:vaultpilot_acme-eu_rotation-alarms",
    });
    expect(statementProblems(document, "acme-eu", new Set(["acme", "acme-eu"]), new Map())).toEqual(
      [],
    );
  });
});

const event = (
  e: Partial<AuditEvent> & Pick<AuditEvent, "time" | "step" | "outcome">,
): AuditEvent => ({
  tenant: "acme",
  secretArn: "arn:s:1",
  run: "run-1",
  attempt: 1,
  durationMs: 1,
  versions: { pending: "v1" },
  ...e,
});

describe("rotations", () => {
  test("groups events by secret and pending version and decides each outcome", () => {
    const events = [
      event({ time: "2026-03-01T00:00:00Z", step: "createSecret", outcome: "started" }),
      event({ time: "2026-03-01T00:00:01Z", step: "finishSecret", outcome: "succeeded" }),
      event({
        time: "2026-03-02T00:00:00Z",
        step: "setSecret",
        outcome: "failed",
        versions: { pending: "v2" },
        detail: "db refused",
      }),
      event({
        time: "2026-03-03T00:00:00Z",
        step: "testSecret",
        outcome: "failed",
        versions: { pending: "v3" },
      }),
      event({
        time: "2026-03-03T00:00:01Z",
        step: "rollback",
        outcome: "succeeded",
        versions: { pending: "v3" },
      }),
      event({
        time: "2026-03-04T00:00:00Z",
        step: "createSecret",
        outcome: "started",
        versions: { pending: "v4" },
      }),
      event({
        time: "2026-03-04T00:00:01Z",
        step: "alert",
        outcome: "failed",
        versions: { pending: "v4" },
      }),
      event({
        time: "2025-01-01T00:00:00Z",
        step: "setSecret",
        outcome: "failed",
        versions: { pending: "old" },
      }),
    ];
    const found = rotations(events, "2026-02-01T00:00:00Z", "2026-04-01T00:00:00Z");
    expect(found.map((r) => [r.version, r.outcome, r.detail])).toEqual([
      ["v1", "succeeded", undefined],
      ["v2", "failed", "db refused"],
      ["v3", "rolled-back", undefined],
      ["v4", "in-progress", undefined],
    ]);
  });
});

describe("parseSince", () => {
  const at = new Date("2026-06-30T00:00:00Z");
  test("takes days back or an ISO time", () => {
    expect(parseSince("30d", at).toISOString()).toBe("2026-05-31T00:00:00.000Z");
    expect(parseSince("2026-01-01", at).toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });
  test("refuses words and times after the evaluation time", () => {
    expect(() => parseSince("yesterday", at)).toThrow(/ISO 8601 time or a number of days/);
    expect(() => parseSince("2027-01-01", at)).toThrow(/is after the evaluation time/);
  });
});

describe("exit status and control status", () => {
  const withResults = (results: Record<"pass" | "fail" | "manual" | "error", number>) =>
    ({ summary: { results } }) as unknown as Report;
  test("0 when every automated control passes (manual ones do not count), 1 on a failure, 2 when anything could not be checked", () => {
    expect(exitCode(withResults({ pass: 3, fail: 0, manual: 2, error: 0 }))).toBe(0);
    expect(exitCode(withResults({ pass: 3, fail: 1, manual: 0, error: 0 }))).toBe(1);
    expect(exitCode(withResults({ pass: 3, fail: 1, manual: 0, error: 1 }))).toBe(2);
  });
  test("a control fails on any failing result, is error when one could not be checked, never passes without results", () => {
    expect(controlStatus(["pass", "fail", "error"])).toBe("fail");
    expect(controlStatus(["pass", "error"])).toBe("error");
    expect(controlStatus(["pass", "pass"])).toBe("pass");
    expect(controlStatus(["manual"])).toBe("manual");
    expect(controlStatus([])).toBe("not-run");
  });
});

describe("text helpers", () => {
  test("pullRequestOf reads squash and merge subjects only", () => {
    expect(pullRequestOf("Rotate monthly (#43)")).toBe(43);
    expect(pullRequestOf("Merge pull request #7 from acme/branch")).toBe(7);
    expect(pullRequestOf("Fix #12 in the middle")).toBeUndefined();
  });
  test("csvField quotes separators, quotes and line breaks", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a;b "c"\nd')).toBe('"a;b ""c""\nd"');
  });
  test("escapeHtml leaves no markup", () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;",
    );
  });
});
