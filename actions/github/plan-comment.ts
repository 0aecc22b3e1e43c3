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

export type CommentOutcome =
  | { readonly action: "created" | "updated"; readonly id: number }
  | { readonly action: "unchanged"; readonly id: number }
  | { readonly action: "skipped" };

/**
 * Creates or updates the stack's plan comment. Finds it by marker over every page of comments
 * (the search API lags; the first page is not enough on a busy pull request). No comment is
 * created for a plan without changes, and an identical body is not posted again.
 */
export async function upsertPlanComment(
  octokit: Octokit,
  pr: PullRequestRef,
  stack: string,
  body: string,
  hasChanges: boolean,
): Promise<CommentOutcome> {
  const marker = planMarker(stack);
  let existing: { id: number; body?: string | null } | undefined;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.issueNumber,
    per_page: 100,
  })) {
    existing = page.data.find((c) => c.body?.includes(marker));
    if (existing) break;
  }
  if (!existing) {
    if (!hasChanges) return { action: "skipped" };
    const created = await octokit.rest.issues.createComment({
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.issueNumber,
      body,
    });
    return { action: "created", id: created.data.id };
  }
  if (existing.body === body) return { action: "unchanged", id: existing.id };
  await octokit.rest.issues.updateComment({
    owner: pr.owner,
    repo: pr.repo,
    comment_id: existing.id,
    body,
  });
  return { action: "updated", id: existing.id };
}
