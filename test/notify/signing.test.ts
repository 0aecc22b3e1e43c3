import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook as clientSignature } from "../../client/webhook.js";
import {
  signatureOf,
  signWebhook,
  verifyWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from "../../components/notify/signing.js";

const body = '{"event":"rotation-failed","tenant":"acme"}';
const at = new Date("2026-12-07T12:00:00Z");

function signed(key: string, when = at) {
  const headers = signWebhook(key, body, when);
  return { timestamp: headers[TIMESTAMP_HEADER], signature: headers[SIGNATURE_HEADER] };
}

describe("webhook signing", () => {
  it("signs exactly <timestamp>.<body> with HMAC-SHA256, the timestamp in Unix seconds", () => {
    const headers = signWebhook("k", "{}", new Date(1_700_000_000_500));
    expect(headers[TIMESTAMP_HEADER]).toBe("1700000000");
    expect(headers[SIGNATURE_HEADER]).toBe(
      `sha256=${createHmac("sha256", "k").update("1700000000.{}").digest("hex")}`,
    );
    expect(signatureOf("k", 1_700_000_000, "{}")).toHaveLength(64);
  });

  it("signs as the client's verifyWebhookSignature checks (client/webhook.ts)", () => {
    expect(signatureOf("k", 1_700_000_000, body)).toBe(clientSignature("k", 1_700_000_000, body));
  });

  it("accepts the current key and the previous one during the overlap", () => {
    expect(verifyWebhook({ body, ...signed("new"), keys: ["new", "old"], now: at })).toEqual({
      ok: true,
      keyIndex: 0,
    });
    expect(verifyWebhook({ body, ...signed("old"), keys: ["new", "old"], now: at })).toEqual({
      ok: true,
      keyIndex: 1,
    });
  });

  it("refuses another key, a changed body and a malformed header", () => {
    expect(verifyWebhook({ body, ...signed("other"), keys: ["new", "old"], now: at }).ok).toBe(
      false,
    );
    expect(
      verifyWebhook({
        body: body.replace("acme", "evil"),
        ...signed("new"),
        keys: ["new"],
        now: at,
      }).ok,
    ).toBe(false);
    expect(
      verifyWebhook({
        body,
        timestamp: signed("new").timestamp,
        signature: "v1=00",
        keys: ["new"],
        now: at,
      }),
    ).toEqual({ ok: false, reason: `missing or malformed ${SIGNATURE_HEADER}` });
    expect(
      verifyWebhook({ body, timestamp: undefined, signature: undefined, keys: ["new"] }).ok,
    ).toBe(false);
  });

  it("refuses a replay 301 seconds later and accepts one at 300", () => {
    const sent = signed("new");
    const later = (s: number) => new Date(at.getTime() + s * 1000);
    expect(verifyWebhook({ body, ...sent, keys: ["new"], now: later(300) }).ok).toBe(true);
    expect(verifyWebhook({ body, ...sent, keys: ["new"], now: later(301) })).toEqual({
      ok: false,
      reason: "timestamp outside the 300-second window",
    });
  });
});
