import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterEach, describe, expect, test } from "vitest";
import type { Report, ReportResult } from "../../actions/report/result.js";
import { runCli } from "../support/cli.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateReport = ajv.compile(
  JSON.parse(readFileSync("schemas/report.schema.json", "utf8")) as object,
);

const trees: { remove(): void }[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) tree.remove();
});

function tree(files: Record<string, string>) {
  const made = policyTree(files);
  trees.push(made);
  return made.dir;
}

async function report(args: string[], cwd?: string) {
  const run = await runCli(["report", ...args], cwd ? { cwd } : {});
  const json =
    args.includes("json") && run.stdout.startsWith("{")
      ? (JSON.parse(run.stdout) as Report)
      : undefined;
  return { ...run, json };
}

function find(json: Report | undefined, where: Partial<ReportResult>): ReportResult[] {
  return (json?.results ?? []).filter((r) =>
    Object.entries(where).every(([k, v]) => r[k as keyof ReportResult] === v),
  );
}

function git(dir: string, args: string[], author?: { name: string; date: string }) {
  return execFileSync("git", ["-c", "user.name=CI", "-c", "user.email=ci@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      ...(author && {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: `${author.name.split(" ")[0]!.toLowerCase()}@example.com`,
        GIT_AUTHOR_DATE: author.date,
        GIT_COMMITTER_DATE: author.date,
      }),
    },
  });
}

describe("vaultpilot report on the example policies", () => {
  test("prints JSON that matches schemas/report.schema.json, one result per framework, control, check and resource", async () => {
    const { code, json, stderr } = await report(["--format", "json"]);
    expect(validateReport(json), JSON.stringify(validateReport.errors?.slice(0, 3))).toBe(true);
    const keys = json!.results.map(
      (r) => `${r.framework}|${r.control}|${r.check}|${r.resource}|${r.tenant}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
    // globex's feature-flags rotates yearly: a static failure, so exit 1.
    expect(
      find(json, {
        check: "rotation-interval",
        resource: "globex/feature-flags",
        framework: "soc2",
      })[0]?.status,
    ).toBe("fail");
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /tenant "initech" \(policies\/tenants\/initech\/tenant\.yaml:5:9\) declares no compliance frameworks/,
    );
  });

  test("finds every secret's SecretRotation in the example policies' plan (rotation-enabled passes)", async () => {
    const { json } = await report(["--format", "json", "--framework", "soc2"]);
    const rotation = find(json, { check: "rotation-enabled" });

    expect(rotation.length).toBeGreaterThan(0);
    expect(rotation.filter((r) => r.status !== "pass").map((r) => r.resource)).toEqual([]);
  });

  test("covers each tenant's declared frameworks plus fsbp, and a tenant with none by fsbp only", async () => {
    const { json } = await report(["--format", "json"]);
    const tenantsOf = Object.fromEntries(
      json!.summary.frameworks.map((f) => [f.framework, f.tenants]),
    );
    expect(tenantsOf).toEqual({
      soc2: ["acme", "globex"],
      iso27001: ["umbrella"],
      "pci-dss": ["acme"],
      hipaa: ["umbrella"],
      fsbp: ["acme", "globex", "initech", "umbrella"],
    });
    expect(json!.summary.notes.join("\n")).toContain('"initech"');
  });

  test("without --live and --events, live and history checks are not run and their controls say what turns them on", async () => {
    const { json } = await report(["--format", "json", "--framework", "fsbp"]);
    const sm3 = json!.summary.frameworks[0]!.detail.find((c) => c.id === "SecretsManager.3")!;
    expect(sm3.status).toBe("not-run");
    expect(sm3.note).toBe("not run: secret-unused (--live)");
    expect(
      json!.results.some((r) => r.evidence.kind === "live" || r.evidence.kind === "history"),
    ).toBe(false);
  });

  test("manual controls give one manual result per tenant with the evidence to attach", async () => {
    const { json } = await report(["--format", "json", "--framework", "pci-dss"]);
    const manual = find(json, { control: "6.5.1" });
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ check: "manual", tenant: "acme", status: "manual" });
    expect(manual[0]!.evidence.attach).toMatch(/branch protection/);
  });

  test("the IAM check passes the program's own policies and names each role policy", async () => {
    const { json } = await report(["--format", "json", "--framework", "fsbp", "--tenant", "acme"]);
    const iam = find(json, { check: "iam-least-privilege" });
    expect(iam.length).toBeGreaterThan(3);
    expect(iam.every((r) => r.status === "pass")).toBe(true);
    expect(iam.map((r) => r.resource)).toContain(
      "vaultpilot.acme.rotation.postgres policy rotation",
    );
  });

  test("--stack takes the stack's tenants and settings, and blames the stack file's line", async () => {
    const { json } = await report([
      "--format",
      "json",
      "--stack",
      "dev",
      "--framework",
      "pci-dss",
      "--tenant",
      "initech",
    ]);
    expect(json!.summary.frameworks[0]!.tenants).toEqual(["initech"]);
    const retention = find(json, { check: "log-retention" });
    expect(retention.length).toBeGreaterThan(0);
    // dev keeps logs 30 days, under PCI DSS's 12 months.
    expect(retention[0]).toMatchObject({
      status: "fail",
      observed: "retentionInDays: 30 days (bound: 365 days)",
    });
    expect(retention[0]!.evidence.source).toMatch(/^Pulumi\.dev\.yaml:\d+$/);
    const window = find(json, { check: "tenant-key-deletion-window" })[0]!;
    expect(window).toMatchObject({
      status: "pass",
      observed: "deletionWindowInDays: 7 days (bound: 7 days)",
    });
  });
});

describe("report formats", () => {
  test("csv writes one file per framework in Prowler's compliance layout", async () => {
    const dir = tree({});
    const { code, stderr } = await report(["--format", "csv", "--out", dir]);
    expect(code, stderr).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([
      "compliance-fsbp.csv",
      "compliance-hipaa.csv",
      "compliance-iso27001.csv",
      "compliance-pci-dss.csv",
      "compliance-soc2.csv",
    ]);
    const lines = readFileSync(join(dir, "compliance-pci-dss.csv"), "utf8").trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "PROVIDER;DESCRIPTION;ACCOUNTID;REGION;ASSESSMENTDATE;REQUIREMENTS_ID;REQUIREMENTS_DESCRIPTION;REQUIREMENTS_ATTRIBUTES_SECTION;STATUS;STATUSEXTENDED;RESOURCEID;CHECKID;MUTED;TENANT;EVIDENCE_KIND;EVIDENCE_SOURCE;EVIDENCE_COMMIT;EVIDENCE_AUTHOR;EVIDENCE_DATE;EVIDENCE_PULL_REQUEST",
    );
    const row = lines.find((l) => l.includes(";8.3.9;") && l.includes(";rotation-interval;"))!;
    expect(row.split(";").slice(0, 4)).toEqual([
      "aws",
      expect.any(String),
      "111111111111",
      "us-east-1",
    ]);
  });

  test("csv to stdout with several frameworks asks for --out or one framework", async () => {
    const { code, stderr } = await report(["--format", "csv"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^vaultpilot report: csv writes one file per framework \(soc2, iso27001, pci-dss, hipaa, fsbp\): add --out DIR or name one --framework\n$/,
    );
  });

  test("markdown is a job summary under 1 MiB with each framework's table", async () => {
    const { stdout } = await report(["--format", "markdown"]);
    expect(Buffer.byteLength(stdout)).toBeLessThan(1_048_576);
    expect(stdout).toContain("| PCI DSS 4.0.1 | 1 |");
    expect(stdout).toContain("## AWS Foundational Security Best Practices 1.0.0");
  });

  test("several formats in one run write each file whole into --out", async () => {
    const dir = tree({});
    await report(["--format", "html,json,markdown", "--out", dir, "--framework", "pci-dss"]);
    expect(readdirSync(dir).sort()).toEqual([
      "compliance-report.html",
      "compliance-report.json",
      "compliance-report.md",
    ]);
    expect(
      validateReport(JSON.parse(readFileSync(join(dir, "compliance-report.json"), "utf8"))),
    ).toBe(true);
  });
});

describe("report bad input", () => {
  test("an unknown framework is one line and exit 2", async () => {
    const { code, stdout, stderr } = await report(["--framework", "sox"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'vaultpilot report: unknown framework "sox"; choose from soc2, iso27001, pci-dss, hipaa, fsbp\n',
    );
  });

  test("a framework no tenant declares is refused unless tenants are named", async () => {
    const dir = tree(VALID_POLICIES);
    const refused = await report([dir, "--framework", "hipaa"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no tenant in scope declares hipaa .*--tenant/);
    const named = await report([
      dir,
      "--framework",
      "hipaa",
      "--tenant",
      "acme",
      "--format",
      "json",
    ]);
    expect(named.json!.summary.frameworks[0]!.tenants).toEqual(["acme"]);
  });

  test("an unknown tenant, a bad --since and policies that do not validate are exit 2 with one line", async () => {
    const unknown = await report(["--tenant", "nobody"]);
    expect(unknown.stderr).toMatch(
      /^vaultpilot report: no tenant "nobody"; tenants: acme, globex, initech, umbrella\n$/,
    );
    expect(unknown.code).toBe(2);
    const since = await report(["--since", "last week"]);
    expect(since.stderr).toMatch(
      /^vaultpilot report: --since must be an ISO 8601 time or a number of days such as 30d, got "last week"\n$/,
    );
    const broken = tree({ ...VALID_POLICIES, "schedules.yaml": "kind: [" });
    const invalid = await report([broken]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(
      /^vaultpilot report: the policies do not validate \(\d+ error\(s\); first: schedules\.yaml:\d+:\d+ .*\n$/,
    );
  });

  test("a directory without git history still reports, and its evidence says why there is no commit", async () => {
    const dir = tree(VALID_POLICIES);
    const { json, code } = await report([dir, "--format", "json", "--framework", "pci-dss"]);
    expect(code).toBe(1); // postgres without TLS
    const interval = find(json, { check: "rotation-interval" })[0]!;
    expect(interval.evidence.change).toEqual({
      unavailable: `no git history: ${dir} is not in a git repository with commits`,
    });
    expect(json!.summary.notes).toContain(
      `no git history: ${dir} is not in a git repository with commits`,
    );
  });
});

describe("static evidence from git", () => {
  test("names the commit, author, date and pull request that last changed each evidencing line", async () => {
    const repo = tree({ "README.md": "policies\n" });
    git(repo, ["init", "-q", "-b", "main"]);
    for (const [path, text] of Object.entries(VALID_POLICIES)) {
      execFileSync("mkdir", ["-p", join(repo, "policies", path, "..")]);
      writeFileSync(join(repo, "policies", path), text);
    }
    git(repo, ["add", "."]);
    git(repo, ["commit", "-q", "-m", "Add tenant acme (#42)"], {
      name: "Ann Auditor",
      date: "2026-01-05T10:00:00Z",
    });
    const schedules = join(repo, "policies", "schedules.yaml");
    writeFileSync(schedules, readFileSync(schedules, "utf8").replace("every: 30d", "every: 60d"));
    git(repo, ["commit", "-q", "-am", "Rotate orders-db less often (#43)"], {
      name: "Bob Builder",
      date: "2026-02-10T09:30:00Z",
    });
    writeFileSync(schedules, `${readFileSync(schedules, "utf8")}# reviewed\n`);
    git(repo, ["commit", "-q", "-am", "Note the review"], {
      name: "Cy Checker",
      date: "2026-03-01T08:00:00Z",
    });

    const { json } = await report(["policies", "--format", "json", "--framework", "pci-dss"], repo);
    const interval = find(json, { check: "rotation-interval" })[0]!;
    expect(interval).toMatchObject({ status: "pass", resource: "acme/orders-db" });
    expect(interval.evidence.source).toBe("policies/schedules.yaml:6");
    expect(interval.evidence.change).toMatchObject({
      author: "Bob Builder",
      date: "2026-02-10T09:30:00.000Z",
      subject: "Rotate orders-db less often (#43)",
      pullRequest: 43,
    });
    const key = find(json, { check: "tenant-key-rotation" })[0]!;
    expect(key.evidence.source).toBe("policies/tenants/acme.yaml:4");
    expect(key.evidence.change).toMatchObject({
      author: "Ann Auditor",
      pullRequest: 42,
      date: "2026-01-05T10:00:00.000Z",
    });
    const head = git(repo, ["rev-list", "--max-parents=0", "HEAD"]).trim();
    expect(key.evidence.change).toMatchObject({ commit: head });
  });

  test("an uncommitted edit of an evidencing line is said, not blamed on the last commit", async () => {
    const repo = tree({});
    for (const [path, text] of Object.entries(VALID_POLICIES)) {
      execFileSync("mkdir", ["-p", join(repo, path, "..")]);
      writeFileSync(join(repo, path), text);
    }
    git(repo, ["init", "-q", "-b", "main"]);
    git(repo, ["add", "."]);
    git(repo, ["commit", "-q", "-m", "Start"], {
      name: "Ann Auditor",
      date: "2026-01-05T10:00:00Z",
    });
    writeFileSync(
      join(repo, "schedules.yaml"),
      VALID_POLICIES["schedules.yaml"].replace("30d", "60d"),
    );
    const { json } = await report([".", "--format", "json", "--framework", "pci-dss"], repo);
    const interval = find(json, { check: "rotation-interval" })[0]!;
    expect(interval.evidence.change).toEqual({
      unavailable: "schedules.yaml:6 has an uncommitted change",
    });
    expect(find(json, { check: "tenant-key-rotation" })[0]!.evidence.change).toMatchObject({
      author: "Ann Auditor",
    });
  });
});

describe("report history from rotation audit events", () => {
  const arn =
    "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/orders-db-AbCdEf";
  const line = (time: string, step: string, outcome: string, pending: string, detail?: string) =>
    JSON.stringify({
      time,
      tenant: "acme",
      secretArn: arn,
      step,
      outcome,
      attempt: 1,
      durationMs: 5,
      versions: { pending },
      ...(detail && { detail }),
    });

  test("lists the failed and rolled-back rotations of the period and the success rate", async () => {
    const dir = tree({
      "events.jsonl": [
        line("2026-06-01T01:00:00Z", "createSecret", "started", "a"),
        line("2026-06-01T01:00:02Z", "finishSecret", "succeeded", "a"),
        `2026-06-02T01:00:00Z\tINFO\t${line("2026-06-02T01:00:00Z", "setSecret", "failed", "b", "password authentication failed")}`,
        line("2026-06-02T01:00:01Z", "rollback", "succeeded", "b"),
        line("2026-03-01T01:00:00Z", "setSecret", "failed", "before-the-period"),
        "",
      ].join("\n"),
    });
    const { json, code } = await report([
      "--format",
      "json",
      "--framework",
      "fsbp",
      "--tenant",
      "acme",
      "--events",
      join(dir, "events.jsonl"),
      "--since",
      "30d",
      "--at",
      "2026-06-15T00:00:00Z",
    ]);
    expect(code).toBe(1);
    expect(find(json, { check: "rotation-failures" })).toEqual([
      expect.objectContaining({
        control: "SecretsManager.2",
        tenant: "acme",
        resource: arn,
        status: "fail",
        observed: "rolled-back at 2026-06-02T01:00:00Z (version b): password authentication failed",
      }),
    ]);
    expect(find(json, { check: "rotation-success-rate" })[0]).toMatchObject({
      status: "fail",
      observed: "1 of 2 rotations succeeded (50.0%; minimum 100%)",
    });
    expect(json!.summary.history).toEqual({
      since: "2026-05-16T00:00:00.000Z",
      until: "2026-06-15T00:00:00.000Z",
    });
  });

  test("a line that is not an audit event is one line naming the file, line and column", async () => {
    const dir = tree({
      "events.jsonl": `${line("2026-06-01T01:00:00Z", "createSecret", "started", "a")}\n  {"time": "soon"}\n`,
    });
    const { code, stderr } = await report(["--events", join(dir, "events.jsonl")]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `vaultpilot report: ${join(dir, "events.jsonl")}:2:3: not a rotation audit event; it needs time (ISO 8601), tenant, secretArn, step, outcome and versions\n`,
    );
  });
});
