import { sleep } from "../retry.js";

export interface WaitOptions {
  /** @default 300000 (5 minutes, inside the Lambda's 15) */
  readonly timeoutMs?: number;
  /** @default 5000 */
  readonly intervalMs?: number;
}

/** Polls `ready` until it returns true; throws a one-line timeout naming `what`. */
export async function waitFor(
  what: string,
  options: WaitOptions,
  ready: () => Promise<boolean>,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const intervalMs = options.intervalMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (Date.now() + intervalMs > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
