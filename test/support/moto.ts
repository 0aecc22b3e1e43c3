import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A moto server of this test file's own, on a free loopback port. */
export interface MotoServer {
  /** For AWS_ENDPOINT_URL and the SDK clients' `endpoint`. */
  readonly endpoint: string;
  /** Forgets every resource: POST /moto-api/reset. */
  reset(): Promise<void>;
  /** POST /moto-api/config, such as `{ lambda: { use_docker: false } }`. */
  configure(config: object): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * moto's server with Secrets Manager's PutSecretValue and UpdateSecretVersionStage rules restored
 * as AWS documents them (see the file's docstring for both rules and their AWS references).
 */
export const MOTO_AWS_RULES = [
  join(import.meta.dirname, "moto_aws_rules.py"),
  // Bundled elsewhere by scripts/import-typescript.mjs (the benchmarks), which run from the root.
  join(process.cwd(), "test", "support", "moto_aws_rules.py"),
].find((path) => existsSync(path))!;

/**
 * Starts `moto_server` (pip install "moto[server]") and waits until it answers. `awsRules`: through
 * test/support/moto_aws_rules.py, which restores the two Secrets Manager rules moto lacks.
 */
export async function startMoto(options: { awsRules?: boolean } = {}): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // moto logs every request to stderr. A file, not a pipe: a caller that blocks its event loop
  // (spawnSync of a CLI that calls moto) could not drain a pipe, and moto would stall writing to it.
  const logDir = mkdtempSync(join(tmpdir(), "vaultpilot-moto-"));
  const logFile = join(logDir, "stderr.log");
  const log = openSync(logFile, "w");
  const child: ChildProcess = spawn(
    "python3",
    [
      ...(options.awsRules ? [MOTO_AWS_RULES] : ["-m", "moto.server"]),
      "-H",
      "127.0.0.1",
      "-p",
      String(port),
    ],
    {
      stdio: ["ignore", "ignore", log],
      env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "true" },
    },
  );
  closeSync(log);
  const stderrTail = () => {
    const tail = readFileSync(logFile, "utf8").slice(-4000);
    removeLog();
    return tail;
  };
  const removeLog = () => rmSync(logDir, { recursive: true, force: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderrTail()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not start in 60 s: ${stderrTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const post = async (path: string, body?: object) => {
    const response = await fetch(`${endpoint}${path}`, {
      method: "POST",
      ...(body && { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    if (!response.ok) throw new Error(`moto ${path}: ${response.status} ${await response.text()}`);
  };
  return {
    endpoint,
    reset: () => post("/moto-api/reset"),
    configure: (config) => post("/moto-api/config", config),
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          removeLog();
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}

/** Credentials and region for SDK clients pointed at moto (moto accepts any). */
export const MOTO_CREDENTIALS = {
  region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
} as const;
