import { readFileSync } from "node:fs";
import type { CredentialSource, VaultAuth, VaultStoreConfig } from "./config.js";
import { StoreUnavailable } from "../ports.js";

/** A call the server refused: status, method, path and the server's own error text (no values). */
export class VaultError extends Error {
  override name = "VaultError";
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly errors: readonly string[],
  ) {
    super(
      `OpenBao answered ${status} to ${method} ${path}${errors.length ? `: ${errors.join("; ")}` : ""}`,
    );
  }
}

/** How long one HTTP call may take before it fails (a hung server must not hang a rotation). */
const CALL_TIMEOUT_MS = 15_000;

export interface VaultClientOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  /** Counts every HTTP call (the benchmark's calls per rotation). */
  readonly onCall?: (method: string, path: string) => void;
}

/**
 * The HTTP API of OpenBao (and Vault) through fetch: logs in with the configured method on first
 * use, renews its token once half of its lease is spent (auth/token/renew-self), and logs in again
 * when renewal is refused or the token reached its maximum TTL.
 */
export class VaultClient {
  private token: string | undefined;
  private issuedAt = 0;
  private leaseMs = 0;
  private renewable = false;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly now: () => number;

  constructor(
    readonly config: Pick<VaultStoreConfig, "address" | "auth" | "namespace">,
    private readonly options: VaultClientOptions = {},
  ) {
    this.env = options.env ?? process.env;
    this.now = options.now ?? Date.now;
  }

  /** A JSON call; `undefined` for 404 when `missingOk`. */
  async call<T>(
    method: string,
    path: string,
    body?: object,
    options: { missingOk?: boolean } = {},
  ): Promise<T | undefined> {
    const token = await this.validToken();
    let response = await this.send(method, path, body, token);
    // A token revoked or expired under us: one fresh login, then the answer stands.
    if (response.status === 403 && this.config.auth.method !== "token") {
      this.token = undefined;
      response = await this.send(method, path, body, await this.validToken());
    }
    return this.answer<T>(method, path, response, options.missingOk === true);
  }

  private async send(method: string, path: string, body: object | undefined, token?: string) {
    this.options.onCall?.(method, path);
    return fetch(`${this.config.address.replace(/\/+$/, "")}/v1/${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(token && { "x-vault-token": token }),
        ...(this.config.namespace && { "x-vault-namespace": this.config.namespace }),
      },
      ...(body && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    }).catch((error: unknown) => {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(
        `cannot reach OpenBao at ${this.config.address} (${method} ${path}): ${cause ?? (error as Error).message}`,
      );
    });
  }

  private async answer<T>(
    method: string,
    path: string,
    response: Response,
    missingOk: boolean,
  ): Promise<T | undefined> {
    const text = await response.text();
    if (response.status === 404 && missingOk) return undefined;
    if (!response.ok) {
      let errors: string[];
      try {
        errors = ((JSON.parse(text) as { errors?: string[] }).errors ?? []).map((e) =>
          e.replace(/\s+/g, " "),
        );
      } catch {
        errors = [text.slice(0, 200).replace(/\s+/g, " ")];
      }
      throw new VaultError(response.status, method, path, errors);
    }
    return text ? (JSON.parse(text) as T) : undefined;
  }

  private async validToken(): Promise<string> {
    const auth = this.config.auth;
    if (auth.method === "token") {
      this.token ??= readCredential(auth.token, this.env, "token");
      return this.token;
    }
    const age = this.now() - this.issuedAt;
    if (this.token && (this.leaseMs === 0 || age < this.leaseMs / 2)) return this.token;
    if (this.token && this.renewable && age < this.leaseMs) {
      try {
        const renewed = await this.answer<LoginAnswer>(
          "POST",
          "auth/token/renew-self",
          await this.send("POST", "auth/token/renew-self", {}, this.token),
          false,
        );
        // Renewal stops extending at the token's max TTL: then log in again.
        if (renewed && renewed.auth.lease_duration * 1000 > this.leaseMs / 2) {
          this.keep(renewed);
          return this.token;
        }
      } catch {
        // refused: log in again below
      }
    }
    const login = await this.answer<LoginAnswer>(
      "POST",
      `auth/${auth.mount}/login`,
      await this.send("POST", `auth/${auth.mount}/login`, loginBody(auth, this.env)),
      false,
    );
    if (!login?.auth?.client_token)
      throw new Error(`OpenBao's ${auth.method} login at auth/${auth.mount} returned no token`);
    this.keep(login);
    return this.token!;
  }

  private keep(answer: LoginAnswer): void {
    this.token = answer.auth.client_token;
    this.issuedAt = this.now();
    this.leaseMs = answer.auth.lease_duration * 1000;
    this.renewable = answer.auth.renewable;
  }
}

interface LoginAnswer {
  readonly auth: { client_token: string; lease_duration: number; renewable: boolean };
}

function loginBody(
  auth: Exclude<VaultAuth, { method: "token" }>,
  env: Readonly<Record<string, string | undefined>>,
): object {
  switch (auth.method) {
    case "approle":
      return { role_id: auth.roleId, secret_id: readCredential(auth.secretId, env, "secretId") };
    case "jwt":
    case "kubernetes":
      return { role: auth.role, jwt: readCredential(auth.token, env, "token").trim() };
  }
}

/** Reads a credential; the error names where it was looked for, never a value. */
export function readCredential(
  source: CredentialSource,
  env: Readonly<Record<string, string | undefined>>,
  field: string,
): string {
  if ("env" in source) {
    const value = env[source.env];
    if (!value)
      throw new StoreUnavailable(
        `the vault store's ${field} comes from $${source.env}, which is not set`,
      );
    return value;
  }
  try {
    return readFileSync(source.file, "utf8").trim();
  } catch (error) {
    throw new StoreUnavailable(
      `the vault store's ${field} comes from ${source.file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      { cause: error },
    );
  }
}
