import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The signature header: `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the scheme of the
 * client's verifyWebhookSignature (client/webhook.ts), so one verifier serves both.
 */
export const SIGNATURE_HEADER = "X-VaultPilot-Signature";
/** Unix seconds at signing; part of what is signed, so a replay outside the window fails. */
export const TIMESTAMP_HEADER = "X-VaultPilot-Timestamp";
/**
 * How far a timestamp may be from the receiver's clock: 300 seconds, the window Slack
 * (https://api.slack.com/authentication/verifying-requests-from-slack) and Stripe use.
 */
export const REPLAY_WINDOW_SECONDS = 300;

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `key`. */
export function signatureOf(key: string, timestamp: number, body: string): string {
  return createHmac("sha256", key).update(`${timestamp}.${body}`).digest("hex");
}

/** The two headers a webhook sends with `body`. */
export function signWebhook(
  key: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: `sha256=${signatureOf(key, timestamp, body)}`,
  };
}

export type Verification =
  | { readonly ok: true; readonly keyIndex: number }
  | { readonly ok: false; readonly reason: string };

/**
 * What a receiver runs on each request: the raw body as received (before any JSON parsing), the
 * two headers, and the signing keys it accepts, current first then previous (during a rotation
 * of the key both are valid for the overlap). Constant-time comparison; a timestamp more than
 * `toleranceSeconds` from `now` fails, so a captured request cannot be replayed later.
 */
export function verifyWebhook(request: {
  readonly body: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly keys: readonly (string | undefined)[];
  readonly now?: Date;
  readonly toleranceSeconds?: number;
}): Verification {
  const tolerance = request.toleranceSeconds ?? REPLAY_WINDOW_SECONDS;
  if (!request.timestamp || !/^[0-9]{1,12}$/.test(request.timestamp))
    return { ok: false, reason: `missing or malformed ${TIMESTAMP_HEADER}` };
  const timestamp = Number(request.timestamp);
  const now = Math.floor((request.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > tolerance)
    return { ok: false, reason: `timestamp outside the ${tolerance}-second window` };
  const match = /^sha256=([0-9a-f]{64})$/.exec(request.signature ?? "");
  if (!match) return { ok: false, reason: `missing or malformed ${SIGNATURE_HEADER}` };
  const given = Buffer.from(match[1]!, "hex");
  for (const [keyIndex, key] of request.keys.entries()) {
    if (!key) continue;
    const expected = Buffer.from(signatureOf(key, timestamp, request.body), "hex");
    if (timingSafeEqual(given, expected)) return { ok: true, keyIndex };
  }
  return { ok: false, reason: "signature does not match any accepted key" };
}
