import type { Octokit } from "@octokit/rest";

/** GitHub rejects a comment body longer than this (422). */
export const COMMENT_LIMIT = 65_536;

/** The hidden line that finds a stack's comment again on the next push. */
export const planMarker = (stack: string) => `<!-- vaultpilot-plan stack=${stack} -->`;

/**
 * Replaces every occurrence of each value by `***`. Actions masks its logs, not what is posted
 * through the API, so anything secret must go before the body leaves the runner.
 */
export function maskValues(text: string, values: readonly string[]): string {
  let out = text;
  // Longest first, so a value that contains another is masked whole.
  for (const value of [...values]
    .filter((v) => v.length >= 3)
    .sort((a, b) => b.length - a.length)) {
    out = out.split(value).join("***");
  }
  return out;
}

/**
 * Cuts `markdown` so the whole comment fits: drops the detail from the end, closes an open code
 * fence and details block, and says where the full plan is.
 */
export function trimToFit(markdown: string, room: number, fullPlanUrl: string): string {
  if (markdown.length <= room) return markdown;
  const pointer = `\n\n**The plan is too long for a comment: trimmed here.** The full plan is in the workflow run's artifacts: ${fullPlanUrl}\n`;
  const closing = "\n```\n\n</details>\n";
  let cut = markdown.slice(0, Math.max(0, room - pointer.length - closing.length));
  cut = cut.slice(0, cut.lastIndexOf("\n") + 1);
  const fences = (cut.match(/^```/gm) ?? []).length;
  const opened = (cut.match(/<details>/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  return cut + (fences % 2 === 1 ? "```\n" : "") + (opened > 0 ? "\n</details>\n" : "") + pointer;
}

export interface PlanCommentInput {
  readonly stack: string;
  /** One line: goes in the `<summary>` of the collapsed block. */
  readonly summary: string;
  /** `vaultpilot plan --format markdown` output. */
  readonly markdown: string;
  /** Where the full plan is when the body must be trimmed (the run's artifacts page). */
  readonly fullPlanUrl: string;
  /** Values to mask before posting. */
  readonly secrets: readonly string[];
}

/** The comment: marker, then the plan collapsed under its summary line; at most COMMENT_LIMIT characters. */
export function planCommentBody(input: PlanCommentInput): string {
  const escape = (s: string) => s.replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const head = `${planMarker(input.stack)}\n<details><summary>${escape(maskValues(input.summary, input.secrets))}</summary>\n\n`;
  const tail = "\n</details>\n";
  const markdown = maskValues(input.markdown, input.secrets);
  return (
    head + trimToFit(markdown, COMMENT_LIMIT - head.length - tail.length, input.fullPlanUrl) + tail
  );
}

export interface PullRequestRef {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
}

export type CommentOutcome = (
  | { readonly action: "created" | "updated"; readonly id: number }
  | { readonly action: "unchanged"; readonly id: number }
  | { readonly action: "skipped" }
) & {
  /** Comments that carry the stack's marker but were written by someone else: left alone. */
  readonly ignored: readonly { readonly id: number; readonly author: string }[];
};

/**
 * The login GitHub shows on comments posted with the Actions token (`secrets.GITHUB_TOKEN`). That
 * token may not call `GET /user` (403 "Resource not accessible by integration"), so its identity
 * is known rather than asked.
 */
export const ACTIONS_BOT = "github-actions[bot]";

/** GitHub refused a request: `message` is one line that says which, the status and why. */
export class GithubRefusedError extends Error {}

interface RequestFailure {
  readonly status: number;
  readonly message: string;
}

function requestFailure(error: unknown): RequestFailure | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  const status = Number((error as { status: unknown }).status);
  const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
  const message =
    typeof data?.message === "string"
      ? data.message
      : error instanceof Error
        ? error.message.split("\n")[0]!
        : "";
  return { status, message };
}

/** Why GitHub answers `status` to a write of a comment, and what fixes it. */
function refusalHint(status: number): string {
  switch (status) {
    case 401:
      return "the token is invalid or expired";
    case 403:
      return "the token may not write comments here (give the job `permissions: pull-requests: write`)";
    case 404:
      return "the pull request or comment does not exist, or the token cannot see the repository";
    case 422:
      return "GitHub rejected the body";
    default:
      return "retry the job; if it persists, check https://www.githubstatus.com";
  }
}

async function write<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const failure = requestFailure(error);
    if (!failure) throw error;
    throw new GithubRefusedError(
      `GitHub refused to ${what} (HTTP ${failure.status}${failure.message ? ` "${failure.message}"` : ""}): ${refusalHint(failure.status)}`,
    );
  }
}

/**
 * The login the token acts as: `GET /user`, or under GitHub Actions (`GITHUB_ACTIONS=true`), when
 * that is refused to an integration token, `github-actions[bot]`. A GitHub App's token is refused
 * too and is not the Actions bot: name its login (`<app-slug>[bot]`) with `--author`.
 */
export async function tokenIdentity(
  octokit: Octokit,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    const failure = requestFailure(error);
    if (!failure) throw error;
    if (failure.status === 403 && env.GITHUB_ACTIONS === "true") return ACTIONS_BOT;
    throw new GithubRefusedError(
      `cannot tell whose token GITHUB_TOKEN is: GET /user answered HTTP ${failure.status}${failure.message ? ` "${failure.message}"` : ""}; ` +
        (failure.status === 401
          ? "the token is invalid or expired"
          : "name the login that posts the comment with --author (a GitHub App: <app-slug>[bot])"),
    );
  }
}

const sameLogin = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

/**
 * Creates or updates the stack's plan comment. Finds it by marker over every page of comments
 * (the search API lags; the first page is not enough on a busy pull request), among comments
 * written by `author` (the token's own login) only: a comment by anyone else that carries the
 * marker is left alone and reported, so whoever can comment cannot take over or break the plan
 * job. No comment is created for a plan without changes, and an identical body is not posted
 * again. A refused write throws GithubRefusedError.
 */
export async function upsertPlanComment(
  octokit: Octokit,
  pr: PullRequestRef,
  stack: string,
  body: string,
  hasChanges: boolean,
  author: string,
): Promise<CommentOutcome> {
  const marker = planMarker(stack);
  const ignored: { id: number; author: string }[] = [];
  let existing: { id: number; body?: string | null } | undefined;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.issueNumber,
    per_page: 100,
  })) {
    for (const comment of page.data) {
      if (!comment.body?.includes(marker)) continue;
      if (sameLogin(comment.user?.login, author)) {
        existing = comment;
        break;
      }
      ignored.push({ id: comment.id, author: comment.user?.login ?? "(unknown)" });
    }
    if (existing) break;
  }
  if (!existing) {
    if (!hasChanges) return { action: "skipped", ignored };
    const created = await write(`post the plan comment on #${pr.issueNumber}`, () =>
      octokit.rest.issues.createComment({
        owner: pr.owner,
        repo: pr.repo,
        issue_number: pr.issueNumber,
        body,
      }),
    );
    return { action: "created", id: created.data.id, ignored };
  }
  if (existing.body === body) return { action: "unchanged", id: existing.id, ignored };
  const id = existing.id;
  await write(`update plan comment ${id}`, () =>
    octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: id, body }),
  );
  return { action: "updated", id, ignored };
}
