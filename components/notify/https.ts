import { request as httpsRequest, type Agent } from "node:https";
import type { FetchFunction } from "@slack/webhook";

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** An HTTP answer that is not 2xx; carries the status only, never the URL (it is a secret). */
export class DeliveryHttpError extends Error {
  override name = "DeliveryHttpError";
  constructor(
    readonly status: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(`the receiver answered HTTP ${status}`);
  }
}

export interface HttpsOptions {
  /** Who the receivers' certificates are checked against. @default - Node's CAs (and NODE_EXTRA_CA_CERTS) */
  readonly agent?: Agent;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * POSTs `body` over HTTPS only (a webhook URL is a bearer secret: never in clear) and resolves
 * with the status and body. Errors name the host at most, never the path that holds the token.
 */
export function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: HttpsOptions = {},
): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new Error("the configured webhook URL is not a URL"));
  }
  if (parsed.protocol !== "https:")
    return Promise.reject(new Error("the configured webhook URL is not https://"));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      parsed,
      {
        method: "POST",
        headers: { "content-length": Buffer.byteLength(body), ...headers },
        timeout: options.timeoutMs ?? 10_000,
        ...(options.agent && { agent: options.agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8").slice(0, 2000),
            headers: Object.fromEntries(
              Object.entries(res.headers).map(([k, v]) => [k, String(v)]),
            ),
          }),
        );
        res.on("error", (e) => reject(scrub(e, parsed)));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${parsed.host} in time`)));
    req.on("error", (e) => reject(scrub(e, parsed)));
    req.end(body);
  });
}

/** @slack/webhook's transport, through `post` (so the same agent and the same scrubbing apply). */
export function slackFetch(options: HttpsOptions = {}): FetchFunction {
  return async (url, init) => {
    const answer = await post(
      String(url),
      typeof init?.body === "string" ? init.body : "",
      init?.headers ?? {},
      options,
    );
    const response: FetchResponse = {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      statusText: "",
      url: "",
      headers: {
        get: (name: string) => answer.headers[name.toLowerCase()] ?? null,
        entries: () => Object.entries(answer.headers),
      },
      arrayBuffer: async () => new TextEncoder().encode(answer.body).buffer as ArrayBuffer,
      json: async () => JSON.parse(answer.body) as unknown,
      text: async () => answer.body,
    };
    return response;
  };
}

/** A network error's message with the URL's path and query cut out. */
function scrub(error: Error, url: URL): Error {
  let message = error.message;
  for (const part of [url.href, url.pathname + url.search, url.pathname])
    if (part.length > 1) message = message.split(part).join("<url>");
  const scrubbed = new Error(message);
  scrubbed.name = (error as NodeJS.ErrnoException).code ?? error.name;
  return scrubbed;
}
