import type { Strategy } from "../strategy.js";

/** api-key: {"apiKey": "<generated>", "rotatedAt": "<ISO time>"}; the issuer reads AWSCURRENT. */
export const apiKey: Strategy = {
  async create(current, context) {
    return { ...current, apiKey: await context.password(), rotatedAt: new Date().toISOString() };
  },
  async set() {},
  async test(pending) {
    if (typeof pending.apiKey !== "string" || !pending.apiKey)
      throw new Error('the pending value has no "apiKey" field');
  },
};
