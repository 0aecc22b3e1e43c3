import type { Strategy } from "../strategy.js";

/** generic: {"value": "<generated>"}; other fields of the current value are kept. */
export const generic: Strategy = {
  async create(current, context) {
    return { ...current, value: await context.password() };
  },
  async set() {},
  async test(pending) {
    if (typeof pending.value !== "string" || !pending.value)
      throw new Error('the pending value has no "value" field');
  },
};
