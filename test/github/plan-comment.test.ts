import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  COMMENT_LIMIT,
  maskValues,
  planCommentBody,
  planMarker,
  upsertPlanComment,
} from "../../actions/github/plan-comment.js";

interface Comment {
  id: number;
  body: string;
}
interface Recorded {
  method: string;
  path: string;
  body?: { body?: string };
}

/** Answers as GitHub's REST API documents: comments listed 100 per page with a Link header, created (201), updated (200). */
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
      const created = { id: nextId++, body: body?.body ?? "" };
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

const octokit = () => new Octokit({ auth: "test-token", baseUrl });
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
    const outcome = await upsertPlanComment(octokit(), pr, "prod", body("plan v1"), true);
    expect(outcome).toEqual({ action: "created", id: 1000 });
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toBe(
      `${planMarker("prod")}\n<details><summary>VaultPilot plan for stack prod: 1 to create</summary>\n\nplan v1\n</details>\n`,
    );
  });

  it("finds its comment on a later page and updates it in place", async () => {
    comments = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, body: `chatter ${i}` }));
    comments.push({ id: 500, body: body("plan v1") });
    const outcome = await upsertPlanComment(octokit(), pr, "prod", body("plan v2"), true);
    expect(outcome).toEqual({ action: "updated", id: 500 });
    expect(requests.filter((r) => r.method === "GET")).toHaveLength(3);
    expect(writes()).toEqual([
      { method: "PATCH", path: "/repos/o/r/issues/comments/500", body: { body: body("plan v2") } },
    ]);
  });

  it("keeps one comment per stack", async () => {
    await upsertPlanComment(octokit(), pr, "prod", body("prod plan"), true);
    await upsertPlanComment(octokit(), pr, "dev", body("dev plan", "dev"), true);
    await upsertPlanComment(octokit(), pr, "prod", body("prod plan 2"), true);
    expect(comments.map((c) => c.body.split("\n")[0])).toEqual([
      planMarker("prod"),
      planMarker("dev"),
    ]);
  });

  it("posts nothing when the body is unchanged or the plan has no changes and no comment exists", async () => {
    comments.push({ id: 9, body: body("same") });
    expect(await upsertPlanComment(octokit(), pr, "prod", body("same"), true)).toEqual({
      action: "unchanged",
      id: 9,
    });
    expect(await upsertPlanComment(octokit(), pr, "dev", body("nothing", "dev"), false)).toEqual({
      action: "skipped",
    });
    expect(writes()).toEqual([]);
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
    expect(await upsertPlanComment(octokit(), pr, "prod", text, true)).toMatchObject({
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
