import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const ACTIONS_USER = { login: "github-actions[bot]", type: "Bot" };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason: string | null;
  labels: { name: string }[];
  pull_request?: { url: string };
  comments: string[];
}

/**
 * A local server that answers the few REST endpoints the drift issue code calls, as GitHub's
 * REST API documents them (list repository issues with label filter and Link paging, create,
 * update, create comment), and records every request.
 */
export async function startGithubServer(owner: string, repo: string) {
  const requests: RecordedRequest[] = [];
  const issues: StoredIssue[] = [];
  let nextNumber = 1;
  const base = `/repos/${owner}/${repo}`;
  let url = "";

  /** A comment's id: its issue's number times 1000 plus its index. */
  const commentId = (issue: StoredIssue, index: number) => issue.number * 1000 + index;

  const issueJson = (issue: StoredIssue) => ({
    id: issue.number * 1000,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.state_reason,
    labels: issue.labels.map((l) => ({ name: l.name })),
    html_url: `https://github.com/${owner}/${repo}/issues/${issue.number}`,
    ...(issue.pull_request && { pull_request: issue.pull_request }),
  });

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const parsed = new URL(req.url ?? "/", url);
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    requests.push({
      method: req.method ?? "",
      path: parsed.pathname,
      query: parsed.searchParams,
      body,
    });
    if (req.headers.authorization?.endsWith(" revoked")) {
      return send(res, 401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
      });
    }
    if (!/^(token|Bearer) \S+$/.test(req.headers.authorization ?? "")) {
      return send(res, 401, {
        message: "Requires authentication",
        documentation_url: "https://docs.github.com/rest",
      });
    }
    const path = parsed.pathname;
    // The Actions token may not read its own user: GitHub answers 403, as here.
    if (req.method === "GET" && path === "/user") {
      return send(res, 403, { message: "Resource not accessible by integration" });
    }
    if (req.method === "GET" && path === `${base}/issues`) {
      const state = parsed.searchParams.get("state") ?? "open";
      const labels = (parsed.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      const perPage = Math.min(100, Number(parsed.searchParams.get("per_page") ?? 30));
      const page = Number(parsed.searchParams.get("page") ?? 1);
      const direction = parsed.searchParams.get("direction") ?? "desc";
      let matching = issues.filter(
        (i) =>
          (state === "all" || i.state === state) &&
          labels.every((l) => i.labels.some((x) => x.name === l)),
      );
      matching = direction === "asc" ? matching : [...matching].reverse();
      const last = Math.max(1, Math.ceil(matching.length / perPage));
      const pageOf = (n: number) => {
        const q = new URLSearchParams(parsed.searchParams);
        q.set("page", String(n));
        return `<${url}${path}?${q.toString()}>`;
      };
      const links =
        page < last ? `${pageOf(page + 1)}; rel="next", ${pageOf(last)}; rel="last"` : "";
      return send(
        res,
        200,
        matching.slice((page - 1) * perPage, page * perPage).map(issueJson),
        links ? { link: links } : {},
      );
    }
    if (req.method === "POST" && path === `${base}/issues`) {
      const b = body as { title: string; body?: string; labels?: string[] };
      if (!b?.title) return send(res, 422, { message: "Validation Failed" });
      if ((b.body ?? "").length > 65536)
        return send(res, 422, { message: "Validation Failed: body is too long" });
      const issue: StoredIssue = {
        number: nextNumber++,
        title: b.title,
        body: b.body ?? "",
        state: "open",
        state_reason: null,
        labels: (b.labels ?? []).map((name) => ({ name })),
        comments: [],
      };
      issues.push(issue);
      return send(res, 201, issueJson(issue));
    }
    const one = new RegExp(`^${base}/issues/(\\d+)(/comments)?$`).exec(path);
    const issue = one ? issues.find((i) => i.number === Number(one[1])) : undefined;
    if (one && !issue) return send(res, 404, { message: "Not Found" });
    if (issue && req.method === "PATCH" && !one![2]) {
      const b = body as Partial<Pick<StoredIssue, "title" | "body" | "state" | "state_reason">>;
      if ((b.body ?? "").length > 65536)
        return send(res, 422, { message: "Validation Failed: body is too long" });
      Object.assign(issue, b);
      return send(res, 200, issueJson(issue));
    }
    if (issue && req.method === "POST" && one![2]) {
      const b = body as { body: string };
      if ((b.body ?? "").length > 65536)
        return send(res, 422, { message: "Validation Failed: body is too long" });
      issue.comments.push(b.body);
      return send(res, 201, {
        id: commentId(issue, issue.comments.length - 1),
        body: b.body,
        user: ACTIONS_USER,
      });
    }
    // A pull request's comments (the plan comment): listed with paging, updated by id.
    if (issue && req.method === "GET" && one![2]) {
      const perPage = Math.min(100, Number(parsed.searchParams.get("per_page") ?? 30));
      const page = Number(parsed.searchParams.get("page") ?? 1);
      const last = Math.max(1, Math.ceil(issue.comments.length / perPage));
      const pageOf = (n: number) => `<${url}${path}?per_page=${perPage}&page=${n}>`;
      const links =
        page < last ? `${pageOf(page + 1)}; rel="next", ${pageOf(last)}; rel="last"` : "";
      const listed = issue.comments
        // Every comment here is posted with the Actions token: github-actions[bot]'s.
        .map((text, i) => ({ id: commentId(issue, i), body: text, user: ACTIONS_USER }))
        .slice((page - 1) * perPage, page * perPage);
      return send(res, 200, listed, links ? { link: links } : {});
    }
    const comment = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(path);
    if (comment && req.method === "PATCH") {
      const id = Number(comment[1]);
      const owner = issues.find((i) => Math.floor(id / 1000) === i.number);
      const index = id % 1000;
      if (!owner || index >= owner.comments.length) return send(res, 404, { message: "Not Found" });
      owner.comments[index] = (body as { body: string }).body;
      return send(res, 200, { id, body: owner.comments[index] });
    }
    return send(res, 404, { message: "Not Found" });
  };

  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    issues,
    /** Adds an issue or pull request as if someone had opened it. */
    add(issue: Omit<StoredIssue, "number" | "comments">) {
      const stored = { ...issue, number: nextNumber++, comments: [] };
      issues.push(stored);
      return stored;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
