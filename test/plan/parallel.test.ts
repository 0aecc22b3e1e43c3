import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parallelismFromEnv } from "../../actions/plan/parallelism.js";
import { detach } from "../../actions/plan/slice-pool.js";
import { buildCli, withBuiltCli } from "../support/built-cli.js";

const root = process.cwd();
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd,
    stdio: "ignore",
  });

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI (dist/, with dist/cli/plan-worker.js) in `cwd`, with the plan's parallelism set. */
function plan(cwd: string, args: readonly string[], workers: number, slice: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      join(root, "node_modules/node/bin/node"),
      [join(root, "bin/vaultpilot.js"), "plan", "policies", ...args],
      {
        cwd,
        encoding: "utf8",
        maxBuffer: 1 << 28,
        env: {
          PATH: process.env.PATH ?? "",
          VAULTPILOT_PLAN_WORKERS: String(workers),
          VAULTPILOT_PLAN_SLICE_TENANTS: String(slice),
          VAULTPILOT_PLAN_TRACE: "1",
        },
      },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ code: typeof code === "number" ? code : error ? 2 : 0, stdout, stderr });
      },
    );
  });
}

/** One-thread and two-worker plans of the same repository: both succeed, the second on workers. */
async function bothWays(cwd: string, args: readonly string[], slice: number) {
  const [serial, parallel] = await withBuiltCli(async () => [
    await plan(cwd, args, 1, slice),
    await plan(cwd, args, 2, slice),
  ]);
  expect(serial.code, serial.stderr).toBe(0);
  expect(parallel.code, parallel.stderr).toBe(0);
  expect(serial.stderr).toBe("");
  expect(parallel.stderr).toBe(
    `vaultpilot plan: up to 2 worker threads, slices of ${slice} tenants\n`,
  );
  return { serial: serial.stdout, parallel: parallel.stdout };
}

const dirs: string[] = [];
function repository(fill: (policies: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-parallel-"));
  dirs.push(dir);
  fill(join(dir, "policies"));
  git(dir, "init", "-q");
  git(dir, "add", ".");
  git(dir, "commit", "-qm", "policies");
  return dir;
}
const edit = (dir: string, file: string, from: string, to: string) => {
  const path = join(dir, "policies", file);
  const text = readFileSync(path, "utf8");
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
};

beforeAll(() => buildCli(), 180_000);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("plan on worker threads", { timeout: 300_000 }, () => {
  it("prints byte for byte the one-thread plan of the example policies, as json and text", async () => {
    const dir = repository((policies) =>
      cpSync(join(root, "policies"), policies, { recursive: true }),
    );

    const json = await bothWays(dir, ["--format", "json"], 1);
    const text = await bothWays(dir, ["--format", "text"], 1);

    expect(json.parallel).toBe(json.serial);
    expect(JSON.parse(json.serial).resources.length).toBeGreaterThan(100);
    expect(text.parallel).toBe(text.serial);
  });

  it("prints byte for byte the one-thread plan of a generated repository, full and with --base", async () => {
    const { generatePolicies } = (await import(
      pathToFileURL(join(root, "bench", "generate-policies.mjs")).href
    )) as {
      generatePolicies: (
        dir: string,
        options: { tenants: number; secrets: number; services: number; tenthSchedule: boolean },
      ) => unknown;
    };
    const dir = repository((policies) =>
      generatePolicies(policies, { tenants: 20, secrets: 3, services: 2, tenthSchedule: true }),
    );

    const full = await bothWays(dir, ["--format", "json"], 3);
    edit(dir, "tenants/tenant-0007/secrets.yaml", "schedule: quarterly", "schedule: monthly");
    edit(dir, "schedules.yaml", "every: 60d", "every: 45d");
    const incremental = await bothWays(dir, ["--base", "HEAD", "--format", "json"], 1);
    const markdown = await bothWays(dir, ["--base", "HEAD", "--format", "markdown"], 1);

    expect(full.parallel).toBe(full.serial);
    expect(incremental.parallel).toBe(incremental.serial);
    expect(markdown.parallel).toBe(markdown.serial);
    const scope = JSON.parse(incremental.serial).scope as { mode: string; planned: number };
    // tenant-0007 and the two tenants on the "tenth" schedule (tenant-0000, tenant-0010).
    expect(scope).toMatchObject({ mode: "incremental", planned: 3 });
  });
});

describe("the plan's parallelism", () => {
  it("defaults to min(cores, 4) workers on more than one core, one thread on one, slices of 25", () => {
    expect(parallelismFromEnv({}, 1)).toEqual({ workers: 1, sliceTenants: 25 });
    expect(parallelismFromEnv({}, 2)).toEqual({ workers: 2, sliceTenants: 25 });
    expect(parallelismFromEnv({}, 16)).toEqual({ workers: 4, sliceTenants: 25 });
  });

  it("takes VAULTPILOT_PLAN_WORKERS and VAULTPILOT_PLAN_SLICE_TENANTS, and refuses what is not a count", () => {
    expect(
      parallelismFromEnv({ VAULTPILOT_PLAN_WORKERS: "8", VAULTPILOT_PLAN_SLICE_TENANTS: "5" }, 2),
    ).toEqual({ workers: 8, sliceTenants: 5 });
    expect(() => parallelismFromEnv({ VAULTPILOT_PLAN_WORKERS: "0" }, 2)).toThrow(
      /VAULTPILOT_PLAN_WORKERS must be a whole number from 1 to 9999, got "0"/,
    );
    expect(() => parallelismFromEnv({ VAULTPILOT_PLAN_SLICE_TENANTS: "many" }, 2)).toThrow(
      /VAULTPILOT_PLAN_SLICE_TENANTS/,
    );
  });
});

describe("detach", () => {
  it("drops functions and keeps shared references shared, so a model slice can cross to a worker", () => {
    const service = { name: "orders-api" };
    const tenant = {
      name: "acme",
      source: { file: "a.yaml", at: () => ({ line: 1 }) },
      services: [service],
      secrets: [{ name: "db", consumers: [service] }],
    };

    const copy = detach(tenant);

    expect(copy.source).toEqual({ file: "a.yaml" });
    expect(copy.secrets[0]!.consumers[0]).toBe(copy.services[0]);
    expect(() => structuredClone(copy)).not.toThrow();
    expect(() => structuredClone(tenant)).toThrow();
  });
});
