import { execFile, execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

// Test files run in parallel and each rebuilds dist/ in its beforeAll: a build rewrites the
// files another file's child process may be loading, and relinks node_modules/.bin. One lock
// directory (mkdir is atomic) serialises builds and runs of the built CLI across workers.
const LOCK = join("node_modules", ".cache", "vaultpilot-test-build.lock");
const STALE_MS = 120_000;

function acquireLock(): void {
  mkdirSync(join("node_modules", ".cache"), { recursive: true });
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_MS)
          rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      Atomics.wait(wait, 0, 0, 50);
    }
  }
}

function releaseLock(): void {
  rmSync(LOCK, { recursive: true, force: true });
}

function withLock<T>(work: () => T): T {
  acquireLock();
  try {
    return work();
  } finally {
    releaseLock();
  }
}

/** `npm run build`, as the README's set-up does: call it in a beforeAll. */
export function buildCli(): void {
  withLock(() => execFileSync("npm", ["run", "build"], { stdio: "ignore" }));
}

/**
 * Runs bin/vaultpilot.js under the project's Node 22. With `honourFileModes`, root runs it
 * without the capabilities that let root read any file (setpriv, from util-linux), so a file's
 * mode bits apply as they do to everyone else, wherever the checkout lives.
 */
export function runBuiltCli(
  argv: readonly string[],
  options: { honourFileModes?: boolean; env?: Record<string, string> } = {},
): SpawnSyncReturns<string> {
  const node = ["node_modules/node/bin/node", "bin/vaultpilot.js", ...argv];
  const [command, ...args] = options.honourFileModes
    ? ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--", ...node]
    : node;
  return withLock(() =>
    spawnSync(command!, args, {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", ...options.env },
    }),
  );
}

/**
 * runBuiltCli without blocking the test's event loop: needed when the CLI calls back into the
 * test process, as moto does when it delivers an SNS alert to the test's HTTP subscriber.
 */
export async function runBuiltCliAsync(
  argv: readonly string[],
  options: { env?: Record<string, string> } = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  acquireLock();
  try {
    return await new Promise((resolve) => {
      execFile(
        "node_modules/node/bin/node",
        ["bin/vaultpilot.js", ...argv],
        { encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...options.env } },
        (error, stdout, stderr) => {
          const code = (error as { code?: unknown } | null)?.code;
          resolve({ status: typeof code === "number" ? code : error ? 2 : 0, stdout, stderr });
        },
      );
    });
  } finally {
    releaseLock();
  }
}

/**
 * Holds the build lock while `work` runs processes of the built CLI of its own (several at once,
 * as the concurrency tests do), so no other test file rebuilds dist/ under them. Keep `work`
 * well under two minutes: a lock held longer counts as stale.
 */
export async function withBuiltCli<T>(work: () => Promise<T>): Promise<T> {
  acquireLock();
  try {
    return await work();
  } finally {
    releaseLock();
  }
}
