// Pure, without @pulumi imports: drift reads the same rules without loading the Pulumi SDK.
import type { LiveRotationRules } from "./live/state.js";

/** A rotation schedule as the policies give it. */
export interface RotationScheduleInput {
  readonly everyDays: number;
  /** UTC start "HH:MM" and length in hours of the window rotation must start in. */
  readonly window?: { readonly start: string; readonly durationHours: number };
}

export interface RotationRules {
  readonly automaticallyAfterDays?: number;
  readonly scheduleExpression?: string;
  readonly duration?: string;
}

/**
 * Secrets Manager's rotation rules for a schedule. Without a window: every N days. With one, a
 * `cron()` that starts at the window (a `rate()` cannot set a start time): daily, weekly, every N
 * days of the month (restarting on the 1st, so never longer apart than N) or every whole number
 * of months for N >= 28 (again never longer apart than asked).
 */
export function rotationRules(schedule: RotationScheduleInput): RotationRules {
  const { everyDays, window } = schedule;
  if (!window) return { automaticallyAfterDays: everyDays };
  const [hours, minutes] = window.start.split(":").map(Number);
  const at = `${minutes} ${hours}`;
  let cron: string;
  if (everyDays === 1) cron = `${at} * * ? *`;
  else if (everyDays === 7) cron = `${at} ? * SUN *`;
  else if (everyDays < 28) cron = `${at} 1/${everyDays} * ? *`;
  else {
    const months = Math.floor(everyDays / 30) || 1;
    cron = months >= 12 ? `${at} 1 1 ? *` : `${at} 1 ${months === 1 ? "*" : `1/${months}`} ? *`;
  }
  return { scheduleExpression: `cron(${cron})`, duration: `${window.durationHours}h` };
}

/**
 * The interval and window a live rotation configuration means: AutomaticallyAfterDays, a rate(),
 * or one of the cron() forms the program writes for a schedule with a window (for discover).
 */
export function describeLiveRules(rules: LiveRotationRules | undefined): {
  everyDays?: number;
  start?: string;
  durationHours?: number;
} {
  if (!rules) return {};
  const result: { everyDays?: number; start?: string; durationHours?: number } = {};
  if (rules.automaticallyAfterDays) result.everyDays = rules.automaticallyAfterDays;
  const expression = rules.scheduleExpression?.trim() ?? "";
  const rate = /^rate\((\d+) days?\)$/.exec(expression);
  if (rate) result.everyDays = Number(rate[1]);
  // cron(minute hour day-of-month month day-of-week year)
  const cron = /^cron\((\d{1,2}) (\d{1,2}) (\S+) (\S+) (\S+) \S+\)$/.exec(expression);
  if (cron) {
    const [, minute, hour, dom, month, dow] = cron as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    result.start = `${hour.padStart(2, "0")}:${minute.padStart(2, "0")}`;
    const days =
      dom === "*"
        ? 1
        : dow !== "?" && dow !== "*"
          ? 7
          : /^1\/(\d+)$/.test(dom)
            ? Number(dom.slice(2))
            : dom === "1" && month === "*"
              ? 30
              : dom === "1" && /^1\/(\d+)$/.test(month)
                ? 30 * Number(month.slice(2))
                : dom === "1" && month === "1"
                  ? 365
                  : undefined;
    if (days !== undefined) result.everyDays = days;
  }
  const duration = rules.duration && /^(\d+)h$/.exec(rules.duration);
  if (duration) result.durationHours = Number(duration[1]);
  return result;
}
