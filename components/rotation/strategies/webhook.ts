import { WEBHOOK_OVERLAP_HOURS } from "../../../program/rotation-config.js";
import type { Strategy } from "../strategy.js";

/**
 * webhook: {"signingSecret", "previousSigningSecret", "previousValidUntil"}. Receivers accept a
 * signature made with either secret until previousValidUntil, so senders and receivers that pick
 * up the new version at different times keep working through the overlap.
 */
export const webhook: Strategy = {
  async create(current, context) {
    const overlapHours = context.config.overlapHours ?? WEBHOOK_OVERLAP_HOURS;
    const previous = typeof current.signingSecret === "string" ? current.signingSecret : undefined;
    return {
      signingSecret: await context.password(),
      ...(previous && {
        previousSigningSecret: previous,
        previousValidUntil: new Date(Date.now() + overlapHours * 3_600_000).toISOString(),
      }),
    };
  },
  async set() {},
  async test(pending) {
    if (typeof pending.signingSecret !== "string" || !pending.signingSecret) {
      throw new Error('the pending value has no "signingSecret" field');
    }
  },
};
