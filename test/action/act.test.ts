import { execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaffoldFiles } from "../../actions/init/init-command.js";
import { startGithubServer } from "../drift/github-server.js";

// examples/policy-repo's pull-request workflow, run by act (nektos/act, installed by
// scripts/install-test-deps.sh) on the host (-P ubuntu-latest=-self-hosted, no Docker) in a
// temporary git repository made from the scaffold, with a pull_request event. `uses:
// vaultpilot/vaultpilot@v0` is this repository's action.yml and committed bundle (copied alone,
// as a tag's checkout has no node_modules); github/codeql-action/upload-sarif is a local stub
// that keeps the SARIF file; the plan comment goes to the local GitHub REST server the drift
// issue tests use. act runs JavaScript actions with the `node` on PATH: Node 22 here (node24 on
// GitHub's runners); actions/checkout is skipped by act, the repository is already there.

const ACT = [
  process.env.ACT_BIN,
  join(process.env.GOPATH ?? join(process.env.HOME ?? "/root", "go"), "bin", "act"),
].find((path): path is string => Boolean(path && existsSync(path)));

const TOKEN = "ghs_actcanary0123456789";
const OWNER = "acme";
const REPO = "secrets";

interface ActRun {
  readonly code: number;
  readonly log: string;
  /** Workflow commands act parsed, as `::error file=…::message`. */
  readonly annotations: string[];
  /** Step outputs of `uses: vaultpilot/vaultpilot@v0` steps, in order. */
  readonly outputs: Record<string, string>[];
  /** Job summaries written, in order. */
  readonly summaries: string[];
}

let work: string;
let actionDir: string;
let stubs: string;
let github: Awaited<ReturnType<typeof startGithubServer>>;
let pullRequest: number;

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd,
    encoding: "utf8",
  });
}

/** A team's repository: the scaffold on main (also as origin/main), and `change` on a branch. */
function teamRepository(name: string, change: (dir: string) => void): string {
  const dir = join(work, name);
  for (const [path, text] of scaffoldFiles()) {
    mkdirSync(resolve(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "policies");
  git(dir, "remote", "add", "origin", `https://github.com/${OWNER}/${REPO}.git`);
  git(dir, "update-ref", "refs/remotes/origin/main", "HEAD");
  git(dir, "checkout", "-qb", "change");
  change(dir);
  git(dir, "commit", "-qam", "change");
  return dir;
}

function runAct(repository: string): Promise<ActRun> {
  const event = join(repository, "..", `${repository.split("/").pop()}-event.json`);
  writeFileSync(
    event,
    JSON.stringify({
      action: "synchronize",
      number: pullRequest,
      pull_request: { number: pullRequest, head: { ref: "change" }, base: { ref: "main" } },
      repository: { full_name: `${OWNER}/${REPO}`, name: REPO, owner: { login: OWNER } },
    }),
  );
  const args = [
    "pull_request",
    "-W",
    ".github/workflows/policy-check.yml",
    "-e",
    event,
    "-P",
    "ubuntu-latest=-self-hosted",
    "--local-repository",
    `vaultpilot/vaultpilot@v0=${actionDir}`,
    "--local-repository",
    `github/codeql-action@v3=${join(stubs, "codeql-action")}`,
    "-s",
    `GITHUB_TOKEN=${TOKEN}`,
    "--env",
    `GITHUB_API_URL=${github.url}`,
    "--env",
    `SARIF_COPY=${join(repository, "..", "uploaded.sarif")}`,
  ];
  return new Promise((done, fail) => {
    const child = spawn(ACT!, args, {
      cwd: repository,
      env: {
        ...process.env,
        PATH: `${resolve("node_modules/node/bin")}:${process.env.PATH ?? ""}`,
        HOME: join(work, "home"),
      },
    });
    let log = "";
    child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => done(parseActLog(code ?? 1, log)));
  });
}

/** act's text log: annotations as `❗|🚧|…  ::error …`, outputs as `::set-output:: name=value`, summaries as `Summary - …`. */
function parseActLog(code: number, log: string): ActRun {
  const lines = log.split("\n");
  const annotations = lines
    .map((line) => /^\[[^\]]+\]\s+\S+\s+(::(error|warning|notice)[ :].*)$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
  const outputs: Record<string, string>[] = [];
  const summaries: string[] = [];
  let current: Record<string, string> | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/⭐ Run Main vaultpilot\/vaultpilot@v0/.test(line)) outputs.push((current = {}));
    const output = /::set-output:: ([\w-]+)=(.*)$/.exec(line);
    if (output && current) current[output[1]!] = output[2]!;
    const summary = /⚙\s+Summary - (.*)$/.exec(line);
    if (summary) {
      const text = [summary[1]!];
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith("[")) text.push(lines[++i]!);
      summaries.push(text.join("\n"));
    }
  }
  return { code, log, annotations, outputs, summaries };
}

beforeAll(async () => {
  if (!ACT) throw new Error("act is not installed: run bash scripts/install-test-deps.sh");
  work = mkdtempSync(join(tmpdir(), "vaultpilot-act-"));
  mkdirSync(join(work, "home"));
  // The action as a tag's checkout gives it: action.yml and the committed bundle.
  actionDir = join(work, "vaultpilot-action");
  mkdirSync(actionDir);
  cpSync("action.yml", join(actionDir, "action.yml"));
  cpSync("dist-action", join(actionDir, "dist-action"), { recursive: true });
  stubs = join(work, "stubs");
  mkdirSync(join(stubs, "codeql-action", "upload-sarif"), { recursive: true });
  writeFileSync(
    join(stubs, "codeql-action", "upload-sarif", "action.yml"),
    `name: upload-sarif stub
description: keeps the SARIF file and its category where the test reads them
inputs:
  sarif_file: { description: the SARIF file, required: true }
  category: { description: the analysis category, required: false }
runs:
  using: composite
  steps:
    - shell: bash
      run: cp "\${{ inputs.sarif_file }}" "$SARIF_COPY" && echo "\${{ inputs.category }}" > "$SARIF_COPY.category"
`,
  );
  github = await startGithubServer(OWNER, REPO);
  pullRequest = github.add({
    title: "Add a yearly schedule",
    body: "",
    state: "open",
    state_reason: null,
    labels: [],
    pull_request: { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/1` },
  }).number;
}, 120_000);

afterAll(async () => {
  await github?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("examples/policy-repo's pull-request workflow under act", () => {
  it("annotates a bad policy on its line, writes the summary, outputs and SARIF, and fails the check", async () => {
    const repository = teamRepository("bad", (dir) => {
      writeFileSync(
        join(dir, "policies/schedules.yaml"),
        `${readFileSync(join(dir, "policies/schedules.yaml"), "utf8")}---
apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: yearly
spec:
  every: 400d
`,
      );
    });

    const run = await runAct(repository);

    expect(run.code, run.log).not.toBe(0);
    expect(run.annotations).toContain(
      '::error file=policies/schedules.yaml,line=19,col=10,title=vaultpilot rotation-interval::schedule "yearly" rotates every "400d"; use a whole number of days from 1d to 365d',
    );
    expect(run.annotations).toContain(
      '::warning file=policies/schedules.yaml,line=17,col=9,title=vaultpilot unused-schedule::schedule "yearly" is used by no secret; use it or delete it',
    );
    // The example config allows no warnings: that is an error at its maxWarnings line.
    expect(
      run.annotations.some((a) => a.startsWith("::error file=vaultpilot.config.yaml,line=7,")),
    ).toBe(true);
    expect(run.outputs[0]).toMatchObject({
      "exit-code": "1",
      errors: "2",
      warnings: "1",
      findings: "3",
    });
    expect(run.summaries[0]).toContain("## VaultPilot validate: ❌ 2 errors, 1 warnings");
    expect(run.summaries[0]).toContain(
      "| `policies/schedules.yaml:19:10` | error | `rotation-interval` |",
    );
    const sarif = JSON.parse(readFileSync(join(repository, "..", "uploaded.sarif"), "utf8")) as {
      runs: {
        results: {
          ruleId: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    expect(
      sarif.runs[0]!.results.map(
        (r) =>
          `${r.ruleId} ${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}`,
      ),
    ).toEqual([
      "max-warnings vaultpilot.config.yaml:7",
      "unused-schedule policies/schedules.yaml:17",
      "rotation-interval policies/schedules.yaml:19",
    ]);
    expect(readFileSync(join(repository, "..", "uploaded.sarif.category"), "utf8")).toBe(
      "vaultpilot\n",
    );
    // The plan comment step does not run after a failed check.
    expect(github.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(run.log).not.toContain(TOKEN);
  }, 300_000);

  it("comments the stack's plan on the pull request for a valid change, and passes", async () => {
    const repository = teamRepository("good", (dir) => {
      writeFileSync(
        join(dir, "policies/tenants/acme/secrets.yaml"),
        `${readFileSync(join(dir, "policies/tenants/acme/secrets.yaml"), "utf8")}---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: webhook-signing
  tenant: acme
spec:
  type: webhook
  schedule: monthly
  consumers: [orders-api]
`,
      );
    });

    const run = await runAct(repository);

    expect(run.code, run.log).toBe(0);
    expect(run.outputs[0]).toMatchObject({ "exit-code": "0", errors: "0", findings: "0" });
    expect(run.outputs[1]!["exit-code"], run.log).toBe("0");
    expect(Number(run.outputs[1]!.findings)).toBeGreaterThan(0);
    const posted = github.requests.filter(
      (r) =>
        r.method === "POST" && r.path === `/repos/${OWNER}/${REPO}/issues/${pullRequest}/comments`,
    );
    expect(posted).toHaveLength(1);
    const body = (posted[0]!.body as { body: string }).body;
    expect(body).toContain("<!-- vaultpilot-plan stack=dev -->");
    expect(body).toContain("webhook-signing");
    expect(run.summaries[1]).toContain("webhook-signing");
    expect(run.log).not.toContain(TOKEN);
  }, 300_000);
});
