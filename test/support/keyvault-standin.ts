// A STAND-IN for Azure Key Vault and the Microsoft Entra token endpoint, for tests only: no Key
// Vault emulator is served by any package registry here (see DESIGN.md). It answers only the
// documented REST calls @azure/keyvault-secrets and @azure/identity make for the rotation's writer:
// - Entra: GET /{tenant}/v2.0/.well-known/openid-configuration, POST /{tenant}/oauth2/v2.0/token
//   (client credentials grant), https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
// - Key Vault (api-version required, https://learn.microsoft.com/rest/api/keyvault/secrets):
//   PUT /secrets/{name} (Set Secret), GET /secrets/{name}/versions (Get Secret Versions),
//   GET /secrets/{name}[/{version}] (Get Secret), PATCH /secrets/{name}/{version} (Update Secret).
//   A request without a bearer token it issued gets 401 and the challenge
//   `WWW-Authenticate: Bearer authorization="…/{tenant}", resource="https://vault.azure.net"`.
// TLS with a throwaway CA (makeTlsFiles): trust it with NODE_EXTRA_CA_CERTS (a child process) or
// the SDK's tlsOptions.ca (in-process).
import { randomBytes, randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTlsFiles } from "./tls.js";

export interface StandinVersion {
  readonly version: string;
  readonly value: string;
  contentType?: string;
  tags: Record<string, string>;
  enabled: boolean;
  /** Unix seconds. */
  exp?: number;
  readonly created: number;
  updated: number;
}

export interface KeyVaultStandin {
  /** https://127.0.0.1:<port>: the vault URL and the authority host. */
  readonly url: string;
  /** The CA certificate's PEM file. */
  readonly caFile: string;
  readonly ca: string;
  readonly entraTenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Versions of a secret, oldest first. */
  versions(name: string): StandinVersion[];
  /** Every request as "METHOD /path", without query or body. */
  readonly requests: string[];
  /** Answer the next `n` Key Vault calls (after sign-in) with 403 ForbiddenByRbac. */
  forbid(n: number): void;
  close(): Promise<void>;
}

const RESOURCE = "https://vault.azure.net";

function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const files = makeTlsFiles();
  try {
    copyFileSync(files.ca, join(dir, "ca.pem"));
    return {
      ca: readFileSync(files.ca, "utf8"),
      key: readFileSync(files.key, "utf8"),
      cert: readFileSync(files.cert, "utf8"),
    };
  } finally {
    files.remove();
  }
}

/** `entraTenantId`: the Microsoft Entra tenant it signs in to (a policy's spec.azure.tenantId). */
export async function startKeyVaultStandin(
  options: { entraTenantId?: string } = {},
): Promise<KeyVaultStandin> {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-kv-"));
  const { ca, key, cert } = makeCertificates(dir);
  const entraTenantId = options.entraTenantId ?? randomUUID();
  const clientId = randomUUID();
  const clientSecret = randomBytes(18).toString("base64url");
  const tokens = new Set<string>();
  const secrets = new Map<string, StandinVersion[]>();
  const requests: string[] = [];
  let forbidden = 0;
  let url = "";

  const send = (res: ServerResponse, status: number, body?: unknown, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    send(res, status, { error: { code, message } });
  const bundle = (name: string, v: StandinVersion, withValue: boolean) => ({
    ...(withValue && { value: v.value }),
    id: `${url}/secrets/${name}/${v.version}`,
    ...(v.contentType !== undefined && { contentType: v.contentType }),
    tags: v.tags,
    attributes: {
      enabled: v.enabled,
      ...(v.exp !== undefined && { exp: v.exp }),
      created: v.created,
      updated: v.updated,
      recoveryLevel: "Recoverable",
      recoverableDays: 90,
    },
  });
  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? "/", url);
    const path = parsed.pathname.replace(/\/+$/, "");
    requests.push(`${req.method} ${path}`);
    const entra = path.match(
      /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/,
    );
    if (entra) {
      if (entra[1] !== entraTenantId) return error(res, 400, "invalid_tenant", "unknown tenant");
      if (entra[2]!.startsWith("v2.0")) {
        const base = `${url}/${entraTenantId}`;
        return send(res, 200, {
          issuer: `${base}/v2.0`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        });
      }
      const form = new URLSearchParams(await readBody(req));
      if (form.get("grant_type") !== "client_credentials")
        return send(res, 400, { error: "unsupported_grant_type" });
      if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret)
        return send(res, 401, {
          error: "invalid_client",
          error_description: "AADSTS7000215: Invalid client secret provided.",
        });
      if (form.get("scope") !== `${RESOURCE}/.default`)
        return send(res, 400, {
          error: "invalid_scope",
          error_description: `scope ${form.get("scope")}`,
        });
      const token = randomBytes(24).toString("hex");
      tokens.add(token);
      return send(res, 200, {
        token_type: "Bearer",
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: token,
      });
    }

    const auth = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    if (!auth || !tokens.has(auth)) {
      await readBody(req);
      return send(
        res,
        401,
        {
          error: {
            code: "Unauthorized",
            message: "AKV10000: Request is missing a Bearer or PoP token.",
          },
        },
        {
          "www-authenticate": `Bearer authorization="https://login.microsoftonline.com/${entraTenantId}", resource="${RESOURCE}"`,
        },
      );
    }
    if (!parsed.searchParams.get("api-version"))
      return error(res, 400, "BadParameter", "The 'api-version' parameter is required");
    if (forbidden > 0) {
      forbidden--;
      return error(
        res,
        403,
        "Forbidden",
        "Caller is not authorized to perform action on resource. (ForbiddenByRbac)",
      );
    }
    const match = path.match(/^\/secrets\/([0-9A-Za-z-]{1,127})(?:\/(versions|[0-9a-f]{32}))?$/);
    if (!match) return error(res, 404, "NotFound", "no such operation");
    const name = match[1]!;
    const key = name.toLowerCase();
    const list = secrets.get(key) ?? [];
    const body =
      req.method === "PUT" || req.method === "PATCH"
        ? JSON.parse((await readBody(req)) || "{}")
        : {};
    const now = Math.floor(Date.now() / 1000);
    if (req.method === "PUT" && !match[2]) {
      if (typeof body.value !== "string")
        return error(res, 400, "BadParameter", "value is required");
      const v: StandinVersion = {
        version: randomBytes(16).toString("hex"),
        value: body.value,
        ...(body.contentType !== undefined && { contentType: body.contentType }),
        tags: body.tags ?? {},
        enabled: body.attributes?.enabled ?? true,
        ...(body.attributes?.exp !== undefined && { exp: body.attributes.exp }),
        created: now,
        updated: now,
      };
      secrets.set(key, [...list, v]);
      return send(res, 200, bundle(name, v, true));
    }
    if (req.method === "GET" && match[2] === "versions") {
      if (list.length === 0)
        return error(
          res,
          404,
          "SecretNotFound",
          `A secret with (name/id) ${name} was not found in this key vault.`,
        );
      return send(res, 200, { value: list.map((v) => bundle(name, v, false)), nextLink: null });
    }
    const found = match[2] ? list.find((v) => v.version === match[2]) : list.at(-1);
    if (!found)
      return error(
        res,
        404,
        "SecretNotFound",
        `A secret with (name/id) ${name} was not found in this key vault.`,
      );
    if (req.method === "GET") {
      if (!found.enabled)
        return error(
          res,
          403,
          "Forbidden",
          "Operation get is not allowed on a disabled secret. (SecretDisabled)",
        );
      return send(res, 200, bundle(name, found, true));
    }
    if (req.method === "PATCH" && match[2]) {
      if (body.attributes?.enabled !== undefined) found.enabled = body.attributes.enabled;
      if (body.attributes?.exp !== undefined) found.exp = body.attributes.exp;
      if (body.tags !== undefined) found.tags = body.tags;
      if (body.contentType !== undefined) found.contentType = body.contentType;
      found.updated = now;
      return send(res, 200, bundle(name, found, false));
    }
    return error(res, 405, "MethodNotAllowed", `${req.method} is not supported here`);
  };

  const server: Server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((e: unknown) => error(res, 500, "InternalError", String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    caFile: join(dir, "ca.pem"),
    ca,
    entraTenantId,
    clientId,
    clientSecret,
    versions: (name) => [...(secrets.get(name.toLowerCase()) ?? [])],
    requests,
    forbid: (n) => {
      forbidden = n;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
