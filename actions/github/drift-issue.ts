import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Octokit } from "@octokit/rest";
import { EXIT, type CliIO } from "../io.js";
import { formatMarkdown, MARKDOWN_LIMIT } from "../drift/formats/markdown.js";
import type { DriftResult } from "../drift/result.js";
import { maskValues } from "./plan-comment.js";

export const DRIFT_LABEL = "vaultpilot-drift";

/** GitHub label names are at most 50 characters. */
export function stackLabel(stack: string): string {
  return `drift:${stack}`.slice(0, 50);
}

function marker(stack: string): string {
  return `<!-- vaultpilot-drift stack=${stack} -->`;
}

export interface DriftIssueTarget {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly stack: string;
}

export type DriftIssueAction = "opened" | "updated" | "unchanged" | "closed" | "none";

/**
 * Finds the stack's open drift issue by its two labels through the Issues API, every page (the
 * search API's index lags and would make duplicates); pull requests, which that API also lists,
 * are skipped, and so is an issue whose body lacks the stack's marker.
 */
export async function findDriftIssue(target: DriftIssueTarget) {
  const { octokit, owner, repo, stack } = target;
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner,
    repo,
    state: "open",
    labels: `${DRIFT_LABEL},${stackLabel(stack)}`,
    sort: "created",
    direction: "asc",
    per_page: 100,
  });
  return issues.find((issue) => !issue.pull_request && (issue.body ?? "").includes(marker(stack)));
}

export function issueBody(
  stack: string,
  result: DriftResult,
  runUrl?: string,
  mask: readonly string[] = [],
): string {
  const link = runUrl ? `\n[Workflow run](${runUrl})\n` : "";
  // The body limit is 65,536 characters; the marker and link fit in what formatMarkdown leaves.
  // Masking only shortens it ("***"); Actions does not mask what the API posts.
  const markdown = maskValues(
    formatMarkdown(result, { limit: MARKDOWN_LIMIT - link.length }),
    mask,
  );
  return `${marker(stack)}\n${markdown}${link}`;
}

/** Opens the issue on drift, updates it while drift lasts, closes it with a comment when it is gone. */
export async function syncDriftIssue(
  target: DriftIssueTarget,
  result: DriftResult,
  options: { runUrl?: string; mask?: readonly string[] } = {},
): Promise<{ action: DriftIssueAction; number?: number }> {
  const { octokit, owner, repo, stack } = target;
  const existing = await findDriftIssue(target);
  if (result.findings.length === 0) {
    if (!existing) return { action: "none" };
    await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: existing.number,
      body: `No drift in stack \`${stack}\` as of ${result.summary.at}; closing.${options.runUrl ? ` [Workflow run](${options.runUrl})` : ""}`,
    });
    await octokit.rest.issues.update({
      owner,
      repo,
      issue_number: existing.number,
      state: "closed",
      state_reason: "completed",
    });
    return { action: "closed", number: existing.number };
  }
  const body = issueBody(stack, result, options.runUrl, options.mask);
  const title = `Drift in stack ${stack}: ${result.summary.findings} finding${result.summary.findings === 1 ? "" : "s"}`;
  if (!existing) {
    const created = await octokit.rest.issues.create({
      owner,
      repo,
      title,
      body,
      labels: [DRIFT_LABEL, stackLabel(stack)],
    });
    return { action: "opened", number: created.data.number };
  }
  if (existing.body === body && existing.title === title)
    return { action: "unchanged", number: existing.number };
  await octokit.rest.issues.update({ owner, repo, issue_number: existing.number, title, body });
  return { action: "updated", number: existing.number };
}

export async function driftIssueCommand(
  options: { stack: string; result: string; repo?: string; runUrl?: string; mask?: string[] },
  io: CliIO,
): Promise<number> {
  const fail = (reason: string) => {
    io.stderr(`vaultpilot drift-issue: ${reason}\n`);
    return EXIT.failed;
  };
  const token = io.env.GITHUB_TOKEN;
  if (!token) return fail("GITHUB_TOKEN is not set");
  const repository = options.repo ?? io.env.GITHUB_REPOSITORY ?? "";
  const [owner, repo, ...rest] = repository.split("/");
  if (!owner || !repo || rest.length) return fail(`--repo must be owner/name, got "${repository}"`);
  let result: DriftResult;
  try {
    result = JSON.parse(readFileSync(resolve(io.cwd, options.result), "utf8")) as DriftResult;
    if (!Array.isArray(result.findings) || typeof result.summary !== "object")
      throw new Error("not a drift result");
  } catch (error) {
    return fail(
      `cannot read ${options.result}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
  const octokit = new Octokit({
    auth: token,
    baseUrl: io.env.GITHUB_API_URL ?? "https://api.github.com",
    userAgent: "vaultpilot-drift",
    // Octokit logs failed requests to the console; the one line below says enough.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  try {
    const outcome = await syncDriftIssue({ octokit, owner, repo, stack: options.stack }, result, {
      ...(options.runUrl && { runUrl: options.runUrl }),
      mask: (options.mask ?? []).map((name) => io.env[name] ?? "").filter((v) => v.length > 0),
    });
    io.stdout(`${outcome.action}${outcome.number ? ` #${outcome.number}` : ""}\n`);
    return EXIT.clean;
  } catch (error) {
    const status =
      typeof error === "object" && error && "status" in error
        ? ` (HTTP ${String(error.status)})`
        : "";
    return fail(
      `GitHub API failed${status}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
}
