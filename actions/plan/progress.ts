/** Writes a progress line to a terminal; `finish` erases it. */
export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export const NO_PROGRESS: Progress = { update: () => {}, finish: () => {} };

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * Progress of a plan on a terminal: "planning: 120 of 1,000 tenants, 12 s, about 88 s left",
 * rewritten in place (carriage return), shown only once the plan has taken `afterMs` (a plan that
 * ends sooner prints nothing), at most every `everyMs`. The estimate assumes the remaining tenants
 * take as long as the ones done. `now` is the clock, in milliseconds.
 */
export function terminalProgress(
  write: (text: string) => void,
  options: { afterMs?: number; everyMs?: number; now?: () => number } = {},
): Progress {
  const now = options.now ?? Date.now;
  const afterMs = options.afterMs ?? 1000;
  const everyMs = options.everyMs ?? 200;
  const started = now();
  let shown = false;
  let last = -Infinity;
  return {
    update(done, total) {
      const t = now();
      const elapsed = t - started;
      if (elapsed < afterMs || (t - last < everyMs && done < total)) return;
      last = t;
      shown = true;
      const left =
        done > 0 && done < total
          ? `, about ${seconds((elapsed / done) * (total - done))} left`
          : "";
      write(
        `\r\u001b[Kplanning: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} tenants, ${seconds(elapsed)}${left}`,
      );
    },
    finish() {
      if (shown) write("\r\u001b[K");
    },
  };
}
