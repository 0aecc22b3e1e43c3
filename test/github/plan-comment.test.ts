import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  COMMENT_LIMIT,
  maskValues,
  planCommentBody,
  planMarker,
  tokenIdentity,
  upsertPlanComment,
} from "../../actions/github/plan-comment.js";
import { runCli } from "../support/cli.js";

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: "User" | "Bot" };
}
interface Recorded {
  method: string;
  path: string;
  body?: { body?: string };
}

/**
 * Answers as GitHub's REST API documents: comments listed 100 per page with a Link header, created
 * (201) and updated (200) as the token's user. Tokens: `ci-token` is the user vaultpilot-ci;
 * `actions-token` is the Actions token (GET /user refused, comments by github-actions[bot]);
 * `read-token` is the user reader, whose writes are refused (403).
 */
const USERS: Record<string, Comment["user"]> = {
  "ci-token": { login: "vaultpilot-ci", type: "User" },
  "actions-token": { login: "github-actions[bot]", type: "Bot" },
  "read-token": { login: "reader", type: "User" },
};
let server: Server;
let baseUrl: string;
let comments: Comment[];
let requests: Recorded[];
let nextId: number;

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => resolve(data));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as { body?: string }) : undefined;
    requests.push({
      method: req.method ?? "",
      path: url.pathname + url.search,
      ...(body && { body }),
    });
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(value));
    };
    const token = (req.headers.authorization ?? "").replace(/^(token|Bearer) /, "");
    const user = USERS[token];
    if (!user) return json(401, { message: "Bad credentials" });
    const integration = { message: "Resource not accessible by integration" };
    if (url.pathname === "/user" && req.method === "GET") {
      return token === "actions-token" ? json(403, integration) : json(200, user);
    }
    if (req.method !== "GET" && token === "read-token") return json(403, integration);
    const list = /^\/repos\/o\/r\/issues\/7\/comments$/.exec(url.pathname);
    const one = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && req.method === "GET") {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const last = Math.max(1, Math.ceil(comments.length / perPage));
      const link: Record<string, string> =
        page < last
          ? {
              link: `<${baseUrl}/repos/o/r/issues/7/comments?per_page=${perPage}&page=${page + 1}>; rel="next", <${baseUrl}/repos/o/r/issues/7/comments?per_page=${perPage}&page=${last}>; rel="last"`,
            }
          : {};
      json(200, comments.slice((page - 1) * perPage, page * perPage), link);
    } else if (list && req.method === "POST") {
      if ((body?.body ?? "").length > COMMENT_LIMIT)
        return json(422, { message: "Validation Failed" });
      const created = { id: nextId++, body: body?.body ?? "", user };
      comments.push(created);
      json(201, created);
    } else if (one && req.method === "PATCH") {
      const found = comments.find((c) => c.id === Number(one[1]));
      if (!found) return json(404, { message: "Not Found" });
      if ((body?.body ?? "").length > COMMENT_LIMIT)
        return json(422, { message: "Validation Failed" });
      found.body = body?.body ?? "";
      json(200, found);
    } else {
      json(404, { message: "Not Found" });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  comments = [];
  requests = [];
  nextId = 1000;
});

const octokit = (token = "ci-token") => new Octokit({ auth: token, baseUrl });
const CI = "vaultpilot-ci";
const ci = { login: CI, type: "User" as const };
const someone = { login: "mallory", type: "User" as const };
const pr = { owner: "o", repo: "r", issueNumber: 7 };
const body = (markdown: string, stack = "prod") =>
  planCommentBody({
    stack,
    summary: "VaultPilot plan for stack prod: 1 to create",
    markdown,
    fullPlanUrl: "https://example/run/1",
    secrets: [],
  });
const writes = () => requests.filter((r) => r.method !== "GET");

describe("upsertPlanComment", () => {
  it("creates one comment with the stack's marker and the summary in a collapsed block", async () => {
    const outcome = await upsertPlanComment(octokit(), pr, "prod", body("plan v1"), true, CI);
    expect(outcome).toEqual({ action: "created", id: 1000, ignored: [] });
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toBe(
      `${planMarker("prod")}\n<details><summary>VaultPilot plan for stack prod: 1 to create</summary>\n\nplan v1\n</details>\n`,
    );
  });

  it("finds its comment on a later page and updates it in place", async () => {
    comments = Array.from({ length: 250 }, (_, i) => ({
      id: i + 1,
      body: `chatter ${i}`,
      user: someone,
    }));
    comments.push({ id: 500, body: body("plan v1"), user: ci });
    const outcome = await upsertPlanComment(octokit(), pr, "prod", body("plan v2"), true, CI);
    expect(outcome).toEqual({ action: "updated", id: 500, ignored: [] });
    expect(requests.filter((r) => r.method === "GET")).toHaveLength(3);
    expect(writes()).toEqual([
      { method: "PATCH", path: "/repos/o/r/issues/comments/500", body: { body: body("plan v2") } },
    ]);
  });

  it("keeps one comment per stack", async () => {
    await upsertPlanComment(octokit(), pr, "prod", body("prod plan"), true, CI);
    await upsertPlanComment(octokit(), pr, "dev", body("dev plan", "dev"), true, CI);
    await upsertPlanComment(octokit(), pr, "prod", body("prod plan 2"), true, CI);
    expect(comments.map((c) => c.body.split("\n")[0])).toEqual([
      planMarker("prod"),
      planMarker("dev"),
    ]);
  });

  it("posts nothing when the body is unchanged or the plan has no changes and no comment exists", async () => {
    comments.push({ id: 9, body: body("same"), user: ci });
    expect(await upsertPlanComment(octokit(), pr, "prod", body("same"), true, CI)).toEqual({
      action: "unchanged",
      id: 9,
      ignored: [],
    });
    expect(
      await upsertPlanComment(octokit(), pr, "dev", body("nothing", "dev"), false, CI),
    ).toEqual({
      action: "skipped",
      ignored: [],
    });
    expect(writes()).toEqual([]);
  });
});

describe("upsertPlanComment's author check", () => {
  it("leaves a comment by someone else that carries the marker alone, and posts its own", async () => {
    comments.push({ id: 40, body: body("forged plan"), user: someone });
    const outcome = await upsertPlanComment(octokit(), pr, "prod", body("real plan"), true, CI);
    expect(outcome).toEqual({
      action: "created",
      id: 1000,
      ignored: [{ id: 40, author: "mallory" }],
    });
    expect(comments.find((c) => c.id === 40)!.body).toBe(body("forged plan"));
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /repos/o/r/issues/7/comments",
    ]);
  });

  it("updates its own comment even when someone else's marked comment comes first", async () => {
    comments.push({ id: 40, body: body("forged plan"), user: someone });
    comments.push({ id: 41, body: body("plan v1"), user: ci });
    const outcome = await upsertPlanComment(octokit(), pr, "prod", body("plan v2"), true, CI);
    expect(outcome).toMatchObject({ action: "updated", id: 41 });
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      "PATCH /repos/o/r/issues/comments/41",
    ]);
  });

  it("compares logins without regard to case, as GitHub does", async () => {
    comments.push({
      id: 41,
      body: body("plan v1"),
      user: { login: "VaultPilot-CI", type: "User" },
    });
    expect(await upsertPlanComment(octokit(), pr, "prod", body("plan v2"), true, CI)).toMatchObject(
      { action: "updated", id: 41 },
    );
  });
});

describe("tokenIdentity", () => {
  it("is the token's user from GET /user", async () => {
    expect(await tokenIdentity(octokit(), {})).toBe("vaultpilot-ci");
  });

  it("is github-actions[bot] for the Actions token, which GET /user refuses", async () => {
    expect(await tokenIdentity(octokit("actions-token"), { GITHUB_ACTIONS: "true" })).toBe(
      "github-actions[bot]",
    );
  });

  it("refuses to guess outside Actions, in one line that says what to do", async () => {
    await expect(tokenIdentity(octokit("actions-token"), {})).rejects.toThrow(
      /^cannot tell whose token GITHUB_TOKEN is: GET \/user answered HTTP 403 "Resource not accessible by integration"; name the login .* with --author/,
    );
  });
});

describe("vaultpilot plan-comment", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vaultpilot-comment-"));
    writeFileSync(join(dir, "plan.md"), "# VaultPilot plan for stack prod: 1 to create\n\nplan\n");
    writeFileSync(
      join(dir, "plan.json"),
      JSON.stringify({ changes: { create: [{}], update: [], delete: [] } }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const comment = (token: string, env: Record<string, string> = {}) =>
    runCli(
      [
        "plan-comment",
        "--stack",
        "prod",
        "--pr",
        "7",
        "--repo",
        "o/r",
        "--markdown",
        "plan.md",
        "--json",
        "plan.json",
        "--full-plan-url",
        "https://example/run/1",
      ],
      { cwd: dir, env: { GITHUB_TOKEN: token, GITHUB_API_URL: baseUrl, ...env } },
    );

  it("under Actions, updates github-actions[bot]'s comment and ignores a forged one, saying so", async () => {
    comments.push({ id: 40, body: `${planMarker("prod")}\nforged`, user: someone });
    comments.push({
      id: 41,
      body: `${planMarker("prod")}\nold`,
      user: { login: "github-actions[bot]", type: "Bot" },
    });
    const r = await comment("actions-token", { GITHUB_ACTIONS: "true" });
    expect(r.stderr).toBe(
      "ignored comment 40 by mallory: it carries stack prod's marker but was not written by this token's identity\n" +
        "plan comment 41 for stack prod: updated\n",
    );
    expect(r.code).toBe(0);
    expect(comments.find((c) => c.id === 40)!.body).toBe(`${planMarker("prod")}\nforged`);
  });

  it("reports a refused update in one line that says why, exit 2", async () => {
    comments.push({
      id: 41,
      body: `${planMarker("prod")}\nold`,
      user: { login: "reader", type: "User" },
    });
    const r = await comment("read-token");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'vaultpilot: GitHub refused to update plan comment 41 (HTTP 403 "Resource not accessible by integration"): the token may not write comments here (give the job `permissions: pull-requests: write`)\n',
    );
  });

  it("reports a refused token in one line, not an internal error", async () => {
    const r = await comment("revoked-token");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^vaultpilot: cannot tell whose token GITHUB_TOKEN is: GET \/user answered HTTP 401 "Bad credentials"; the token is invalid or expired\n$/,
    );
  });
});

describe("planCommentBody", () => {
  it("stays under GitHub's limit by trimming detail, closing the fence and details, and pointing to the artifact", async () => {
    const huge =
      "### summary\n\n<details><summary>Resource changes</summary>\n\n```diff\n" +
      "+ aws:x:Y name\n".repeat(10_000) +
      "```\n\n</details>\n";
    const text = body(huge);
    expect(huge.length).toBeGreaterThan(COMMENT_LIMIT);
    expect(text.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(text).toContain(
      "The full plan is in the workflow run's artifacts: https://example/run/1",
    );
    expect((text.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect((text.match(/<details>/g) ?? []).length).toBe((text.match(/<\/details>/g) ?? []).length);
    expect(await upsertPlanComment(octokit(), pr, "prod", text, true, CI)).toMatchObject({
      action: "created",
    });
  });

  it("masks secret values in the summary and the plan before posting", () => {
    const text = planCommentBody({
      stack: "prod",
      summary: "plan with s3cr3t-CANARY",
      markdown: "endpoint: https://hooks/s3cr3t-CANARY/x",
      fullPlanUrl: "u",
      secrets: ["s3cr3t-CANARY"],
    });
    expect(text).not.toContain("CANARY");
    expect(text).toContain("endpoint: https://hooks/***/x");
  });
});

describe("maskValues", () => {
  it("masks the longest values first and ignores values too short to mask safely", () => {
    expect(maskValues("abc-def and abc", ["abc", "abc-def", "x"])).toBe("*** and ***");
    expect(maskValues("x marks", ["x"])).toBe("x marks");
  });
});
