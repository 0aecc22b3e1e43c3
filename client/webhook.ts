import { createHmac, timingSafeEqual } from "node:crypto";
import type { SecretClient } from "./secret-client.js";

/**
 * A webhook signature: hex HMAC-SHA256 of `<timestamp>.<payload>` under the signing secret,
 * optionally written `sha256=<hex>`. The timestamp is Unix seconds, signed with the body so a
 * captured request cannot be replayed later with another timestamp.
 */
export function signWebhook(
  signingSecret: string,
  timestamp: number | string,
  payload: string | Uint8Array,
): string {
  return createHmac("sha256", signingSecret).update(`${timestamp}.`).update(payload).digest("hex");
}

export interface WebhookSignatureInput {
  /** The request body, exactly as received. */
  readonly payload: string | Uint8Array;
  /** The request's timestamp header, Unix seconds. */
  readonly timestamp: number | string;
  /** The request's signature header: hex, or `sha256=<hex>`. */
  readonly signature: string;
  /**
   * How far the timestamp may be from now, in seconds.
   * @default 300 - Stripe's and Slack's default tolerance for signed webhooks
   */
  readonly toleranceSeconds?: number;
}

export type WebhookVerification =
  | { readonly valid: true; readonly stage: "current" | "previous" }
  | { readonly valid: false; readonly reason: "malformed" | "timestamp" | "signature" };

/**
 * The signing secret of a webhook secret's value: `signingSecret` of the webhook type's JSON
 * (`{"signingSecret", "previousSigningSecret", "previousValidUntil"}`), else the whole value.
 */
function signingSecretOf(value: string): { secret: string; previousValidUntil?: number } {
  try {
    const parsed = JSON.parse(value) as unknown;
    if (parsed && typeof parsed === "object" && "signingSecret" in parsed) {
      const { signingSecret, previousValidUntil } = parsed as Record<string, unknown>;
      if (typeof signingSecret === "string") {
        const until = typeof previousValidUntil === "string" ? Date.parse(previousValidUntil) : NaN;
        return {
          secret: signingSecret,
          ...(!Number.isNaN(until) && { previousValidUntil: until }),
        };
      }
    }
  } catch {
    // not JSON: the value is the signing secret itself
  }
  return { secret: value };
}

function matches(secret: string, input: WebhookSignatureInput, given: Buffer): boolean {
  const expected = Buffer.from(signWebhook(secret, input.timestamp, input.payload), "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Checks a webhook request's signature against the secret's current signing secret and, while
 * the rotation's overlap lasts (the current value's `previousValidUntil`), against the previous
 * version's (AWSPREVIOUS): a sender that has not picked up the new secret yet still verifies.
 */
export async function verifyWebhookSignature(
  client: SecretClient,
  tenant: string,
  name: string,
  input: WebhookSignatureInput,
  now: number = Date.now(),
): Promise<WebhookVerification> {
  const hex = input.signature.trim().replace(/^sha256=/, "");
  const timestamp = Number(input.timestamp);
  if (!/^[0-9a-f]{64}$/i.test(hex) || !Number.isInteger(timestamp)) {
    return { valid: false, reason: "malformed" };
  }
  if (Math.abs(now / 1000 - timestamp) > (input.toleranceSeconds ?? 300)) {
    return { valid: false, reason: "timestamp" };
  }
  const given = Buffer.from(hex, "hex");
  const current = signingSecretOf(await client.getSecret(tenant, name));
  if (matches(current.secret, input, given)) return { valid: true, stage: "current" };
  if (current.previousValidUntil !== undefined && now < current.previousValidUntil) {
    const previous = signingSecretOf(await client.getSecret(tenant, name, { stage: "previous" }));
    if (matches(previous.secret, input, given)) return { valid: true, stage: "previous" };
  }
  return { valid: false, reason: "signature" };
}
