import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Octokit } from "@octokit/rest";
import { EXIT, UsageError, type CliIO } from "../io.js";
import {
  GithubRefusedError,
  planCommentBody,
  tokenIdentity,
  upsertPlanComment,
  type CommentOutcome,
} from "./plan-comment.js";

export interface PlanCommentOptions {
  readonly stack: string;
  readonly markdown: string;
  readonly json: string;
  readonly pr: string;
  readonly repo?: string;
  readonly fullPlanUrl: string;
  readonly mask: readonly string[];
  /** The login the token posts as; default: asked of GitHub (see tokenIdentity). */
  readonly author?: string;
}

function readText(cwd: string, path: string): string {
  try {
    return readFileSync(resolve(cwd, path), "utf8");
  } catch {
    throw new UsageError(`cannot read "${path}"`);
  }
}

/** Posts or updates a stack's plan comment on a pull request (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL). */
export async function planCommentCommand(options: PlanCommentOptions, io: CliIO): Promise<number> {
  const token = io.env.GITHUB_TOKEN;
  if (!token) throw new UsageError("GITHUB_TOKEN is not set");
  const repository = options.repo ?? io.env.GITHUB_REPOSITORY ?? "";
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) throw new UsageError(`--repo must be owner/name, got "${repository}"`);
  const issueNumber = Number(options.pr);
  if (!Number.isInteger(issueNumber) || issueNumber <= 0)
    throw new UsageError(`--pr must be a pull request number, got "${options.pr}"`);
  const markdown = readText(io.cwd, options.markdown);
  let plan: { changes?: { create?: unknown[]; update?: unknown[]; delete?: unknown[] } };
  try {
    plan = JSON.parse(readText(io.cwd, options.json)) as typeof plan;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`"${options.json}" is not the JSON of \`vaultpilot plan --format json\``);
  }
  const c = plan.changes ?? {};
  const hasChanges =
    (c.create?.length ?? 0) + (c.update?.length ?? 0) + (c.delete?.length ?? 0) > 0;
  const summary = (markdown.split("\n")[0] ?? "").replace(/^#+\s*/, "");
  const secrets = options.mask.map((name) => io.env[name] ?? "").filter((v) => v !== "");
  const body = planCommentBody({
    stack: options.stack,
    summary,
    markdown,
    fullPlanUrl: options.fullPlanUrl,
    secrets,
  });
  const octokit = new Octokit({
    auth: token,
    baseUrl: io.env.GITHUB_API_URL ?? "https://api.github.com",
    userAgent: "vaultpilot-plan-comment",
    // Octokit logs failed requests to the console; the one line of a refusal says enough.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  let outcome: CommentOutcome;
  try {
    const author = options.author ?? (await tokenIdentity(octokit, io.env));
    outcome = await upsertPlanComment(
      octokit,
      { owner, repo, issueNumber },
      options.stack,
      body,
      hasChanges,
      author,
    );
  } catch (error) {
    if (error instanceof GithubRefusedError) throw new UsageError(error.message);
    throw error;
  }
  for (const other of outcome.ignored) {
    io.stderr(
      `ignored comment ${other.id} by ${other.author}: it carries stack ${options.stack}'s marker but was not written by this token's identity\n`,
    );
  }
  io.stderr(
    outcome.action === "skipped"
      ? `no changes for stack ${options.stack}: no comment\n`
      : `plan comment ${outcome.id} for stack ${options.stack}: ${outcome.action}\n`,
  );
  return EXIT.clean;
}
