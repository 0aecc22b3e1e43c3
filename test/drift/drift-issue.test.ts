import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { Finding } from "../../actions/drift/checks.js";
import { formatJson } from "../../actions/drift/formats/json.js";
import { summarize, type DriftResult } from "../../actions/drift/result.js";
import { runCli } from "../support/cli.js";
import { startGithubServer } from "./github-server.js";

type Server = Awaited<ReturnType<typeof startGithubServer>>;

const finding = (resource: string, check: Finding["check"] = "rotation-enabled"): Finding => ({
  tenant: "acme",
  resource,
  check,
  expected: "enabled",
  actual: "disabled",
  severity: "error",
});

function result(findings: Finding[], stack = "prod"): DriftResult {
  return {
    findings,
    summary: summarize(findings, {
      stack,
      tenants: 3,
      secrets: 12,
      accounts: 3,
      deep: false,
      at: "2026-11-24T02:00:00.000Z",
    }),
  };
}

let server: Server;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vaultpilot-issue-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  server = await startGithubServer("octo", "infra");
  // 100 pull requests carrying the same labels come first: the issue is only on page 2.
  for (let i = 0; i < 100; i++) {
    server.add({
      title: `PR ${i}`,
      body: "<!-- vaultpilot-drift stack=prod -->",
      state: "open",
      state_reason: null,
      labels: [{ name: "vaultpilot-drift" }, { name: "drift:prod" }],
      pull_request: { url: `https://api.github.com/repos/octo/infra/pulls/${i + 1}` },
    });
  }
});
afterEach(() => server.close());

async function issueRun(drift: DriftResult, stack = "prod") {
  const file = join(dir, `${stack}.json`);
  writeFileSync(file, formatJson(drift));
  return runCli(["drift-issue", "--stack", stack, "--result", file, "--repo", "octo/infra"], {
    env: { GITHUB_TOKEN: "ghs_test", GITHUB_API_URL: server.url },
  });
}

const writes = () =>
  server.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);

describe("vaultpilot drift-issue", () => {
  test("opens an issue on the first run with drift, labelled for the stack", async () => {
    const run = await issueRun(result([finding("vaultpilot/acme/orders-db")]));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("opened #101\n");
    expect(writes()).toEqual(["POST /repos/octo/infra/issues"]);
    const issue = server.issues.find((i) => i.number === 101)!;
    expect(issue.labels.map((l) => l.name)).toEqual(["vaultpilot-drift", "drift:prod"]);
    expect(issue.title).toBe("Drift in stack prod: 1 finding");
    expect(issue.body).toContain("<!-- vaultpilot-drift stack=prod -->");
    expect(issue.body).toContain(
      "| error | acme | `vaultpilot/acme/orders-db` | `rotation-enabled` | enabled | disabled |",
    );
  });

  test("updates the same issue on the second run, finding it on the second page of the Issues API", async () => {
    await issueRun(result([finding("vaultpilot/acme/orders-db")]));
    server.requests.length = 0;
    const run = await issueRun(
      result([finding("vaultpilot/acme/orders-db"), finding("vaultpilot/acme/payments-db")]),
    );
    expect(run.stdout).toBe("updated #101\n");
    expect(writes()).toEqual(["PATCH /repos/octo/infra/issues/101"]);
    const listing = server.requests.filter((r) => r.method === "GET");
    expect(listing.map((r) => r.query.get("page") ?? "1")).toEqual(["1", "2"]);
    expect(listing.every((r) => r.query.get("labels") === "vaultpilot-drift,drift:prod")).toBe(
      true,
    );
    expect(server.requests.some((r) => r.path.startsWith("/search"))).toBe(false);
    expect(server.issues.find((i) => i.number === 101)!.title).toBe(
      "Drift in stack prod: 2 findings",
    );
    expect(server.issues.filter((i) => !i.pull_request)).toHaveLength(1);
  });

  test("closes the issue with a comment on a clean run, and does nothing on the next", async () => {
    await issueRun(result([finding("vaultpilot/acme/orders-db")]));
    server.requests.length = 0;
    const clean = await issueRun(result([]));
    expect(clean.stdout).toBe("closed #101\n");
    expect(writes()).toEqual([
      "POST /repos/octo/infra/issues/101/comments",
      "PATCH /repos/octo/infra/issues/101",
    ]);
    const issue = server.issues.find((i) => i.number === 101)!;
    expect(issue).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(issue.comments[0]).toMatch(
      /^No drift in stack `prod` as of 2026-11-24T02:00:00.000Z; closing\./,
    );
    server.requests.length = 0;
    const again = await issueRun(result([]));
    expect(again.stdout).toBe("none\n");
    expect(writes()).toEqual([]);
  });

  test("leaves another stack's issue alone", async () => {
    await issueRun(result([finding("vaultpilot/initech/tps-db")], "dev"), "dev");
    const prod = await issueRun(result([finding("vaultpilot/acme/orders-db")]));
    expect(prod.stdout).toBe("opened #102\n");
    await issueRun(result([]));
    expect(server.issues.find((i) => i.number === 101)).toMatchObject({
      state: "open",
      title: "Drift in stack dev: 1 finding",
    });
  });

  test("keeps the body under GitHub's 65,536 characters with thousands of findings", async () => {
    const many = Array.from({ length: 5000 }, (_, i) => finding(`vaultpilot/acme/secret-${i}`));
    const run = await issueRun(result(many));
    expect(run.stdout).toBe("opened #101\n");
    const body = server.issues.find((i) => i.number === 101)!.body;
    expect(body.length).toBeLessThanOrEqual(65536);
    expect(body).toMatch(/\d+ more findings not shown: see the workflow's drift.json artifact\./);
  });

  test("masks the values of the environment variables named by --mask", async () => {
    const leaked = {
      ...finding("vaultpilot/acme/orders-db", "secret-tags"),
      actual: "owner=tok-123-abc",
    };
    const file = join(dir, "mask.json");
    writeFileSync(file, formatJson(result([leaked])));
    const run = await runCli(
      [
        "drift-issue",
        "--stack",
        "prod",
        "--result",
        file,
        "--repo",
        "octo/infra",
        "--mask",
        "LEAKY",
      ],
      { env: { GITHUB_TOKEN: "ghs_test", GITHUB_API_URL: server.url, LEAKY: "tok-123-abc" } },
    );
    expect(run.code).toBe(0);
    const posted = JSON.stringify(server.requests.map((r) => r.body));
    expect(posted).not.toContain("tok-123-abc");
    expect(server.issues.find((i) => i.number === 101)!.body).toContain("owner=***");
  });

  test("exits 1 with one line when GITHUB_TOKEN is missing or refused", async () => {
    const file = join(dir, "x.json");
    writeFileSync(file, formatJson(result([finding("vaultpilot/acme/orders-db")])));
    const run = await runCli(
      ["drift-issue", "--stack", "prod", "--result", file, "--repo", "octo/infra"],
      {
        env: { GITHUB_API_URL: server.url },
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("vaultpilot drift-issue: GITHUB_TOKEN is not set\n");
    const refused = await runCli(
      ["drift-issue", "--stack", "prod", "--result", file, "--repo", "octo/infra"],
      {
        env: { GITHUB_API_URL: server.url, GITHUB_TOKEN: "revoked" },
      },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^vaultpilot drift-issue: GitHub API failed \(HTTP 401\): Bad credentials.*\n$/,
    );
    expect(refused.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});
