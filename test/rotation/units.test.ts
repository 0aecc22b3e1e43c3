import { describe, expect, it } from "vitest";
import { formatText } from "../../actions/rotation/versions.js";
import { manualToken, recentVersions } from "../../components/rotation/engine.js";
import { withRetry } from "../../components/rotation/retry.js";

describe("withRetry", () => {
  it("tries 3 times, waiting 2 s then 4 s plus at most 10% jitter, by default", async () => {
    const waits: number[] = [];
    const attempts: number[] = [];
    const failure = await withRetry(
      async (n) => {
        attempts.push(n);
        throw new Error(`attempt ${n}`);
      },
      {},
      () => {},
      async (ms) => {
        waits.push(ms);
      },
    ).catch((error: Error) => error.message);
    expect(failure).toBe("attempt 3");
    expect(attempts).toEqual([1, 2, 3]);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThanOrEqual(2200);
    expect(waits[1]).toBeGreaterThanOrEqual(4000);
    expect(waits[1]).toBeLessThanOrEqual(4400);
  });

  it("stops at the first success and honours a configured policy", async () => {
    const waits: number[] = [];
    const result = await withRetry(
      async (n) => {
        if (n < 4) throw new Error("not yet");
        return "done";
      },
      { attempts: 5, firstDelayMs: 10 },
      () => {},
      async (ms) => {
        waits.push(Math.floor(ms / 10) * 10);
      },
    );
    expect(result).toBe("done");
    expect(waits).toEqual([10, 20, 40]);
  });
});

describe("manualToken", () => {
  const described = (ids: string[]) => ({
    arn: "arn",
    name: "acme/db",
    rotationEnabled: false,
    versions: ids.map((versionId) => ({ versionId, stages: [] })),
  });

  it("derives the same UUID-shaped token from the same current version", () => {
    const token = manualToken("v1", described(["v1"]));
    expect(token).toBe(manualToken("v1", described(["v1"])));
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(token).not.toBe(manualToken("v2", described(["v2"])));
  });

  it("moves past a version left by an earlier, rolled-back attempt", () => {
    const first = manualToken("v1", described(["v1"]));
    expect(manualToken("v1", described(["v1", first]))).not.toBe(first);
  });
});

describe("recentVersions", () => {
  it("lists newest first, breaking equal dates by list order, and keeps the last 10", () => {
    const versions = Array.from({ length: 12 }, (_, i) => ({
      versionId: `v${i}`,
      stages: [],
      created: new Date(i < 6 ? 1000 : 2000),
    }));
    const recent = recentVersions({ arn: "a", name: "n", rotationEnabled: true, versions });
    expect(recent.map((v) => v.versionId)).toEqual([
      "v11",
      "v10",
      "v9",
      "v8",
      "v7",
      "v6",
      "v5",
      "v4",
      "v3",
      "v2",
    ]);
  });
});

describe("versions text format", () => {
  it("prints an aligned table without values", () => {
    const text = formatText("acme/orders-db", [
      {
        versionId: "b",
        stages: ["AWSCURRENT"],
        created: "2026-01-02T00:00:00.000Z",
        reachable: true,
      },
      { versionId: "a-longer-id", stages: [], created: null, reachable: false },
    ]);
    expect(text).toBe(
      "acme/orders-db\n" +
        "VERSION      STAGES      CREATED                   ROLLBACK\n" +
        "b            AWSCURRENT  2026-01-02T00:00:00.000Z  yes\n" +
        "a-longer-id  -           -                         no\n",
    );
  });
});
