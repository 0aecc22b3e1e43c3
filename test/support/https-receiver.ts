import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { Agent } from "node:https";
import { makeTlsFiles } from "./tls.js";

/** A throwaway certificate authority and a certificate for 127.0.0.1 and localhost it signed. */
export interface TestCertificates {
  /** PEM of the CA: trust it through an https.Agent or NODE_EXTRA_CA_CERTS (`caFile`). */
  readonly ca: string;
  readonly caFile: string;
  readonly key: string;
  readonly cert: string;
  readonly agent: Agent;
  remove(): void;
}

/** Made with the openssl binary (makeTlsFiles), in a temporary directory (a second or so). */
export function makeCertificates(): TestCertificates {
  const files = makeTlsFiles();
  const ca = readFileSync(files.ca, "utf8");
  return {
    ca,
    caFile: files.ca,
    key: readFileSync(files.key, "utf8"),
    cert: readFileSync(files.cert, "utf8"),
    agent: new Agent({ ca, keepAlive: false }),
    remove: files.remove,
  };
}

export interface ReceivedPost {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * A local HTTPS receiver that records every POST and answers with the next status of `answers`
 * (then 200). `check` may refuse a request (a bad signature): it answers 401 and the post is
 * recorded in `refused` instead.
 */
export interface HttpsReceiver {
  readonly url: string;
  readonly posts: ReceivedPost[];
  readonly refused: ReceivedPost[];
  answers: number[];
  check?: (post: ReceivedPost) => boolean;
  close(): Promise<void>;
}

export async function startReceiver(certificates: TestCertificates): Promise<HttpsReceiver> {
  const receiver: HttpsReceiver = {
    url: "",
    posts: [],
    refused: [],
    answers: [],
    close: async () => undefined,
  };
  const server: Server = createServer(
    { key: certificates.key, cert: certificates.cert },
    (request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        const post = { path: request.url ?? "", headers: request.headers, body };
        const status = receiver.answers.shift() ?? 200;
        if (status === 200 && receiver.check && !receiver.check(post)) {
          receiver.refused.push(post);
          response.writeHead(401).end("bad signature");
          return;
        }
        receiver.posts.push(post);
        response
          .writeHead(status, { "content-type": "text/plain" })
          .end(status === 200 ? "ok" : "no");
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return Object.assign(receiver, {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
