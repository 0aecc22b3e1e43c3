import { DEFAULT_RETRY, type RetryPolicy } from "./config.js";

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` up to `policy.attempts` times, waiting firstDelayMs, then twice that, and so on,
 * each plus up to 10% jitter so that concurrent retries spread out. Throws the last error.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: Partial<RetryPolicy> = {},
  onFailure: (n: number, error: unknown, willRetry: boolean) => void = () => {},
  wait: Sleep = sleep,
): Promise<T> {
  const attempts = Math.max(1, policy.attempts ?? DEFAULT_RETRY.attempts);
  const firstDelayMs = Math.max(0, policy.firstDelayMs ?? DEFAULT_RETRY.firstDelayMs);
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const willRetry = n < attempts;
      onFailure(n, error, willRetry);
      if (!willRetry) throw error;
      const delay = firstDelayMs * 2 ** (n - 1);
      await wait(delay + Math.random() * delay * 0.1);
    }
  }
}
