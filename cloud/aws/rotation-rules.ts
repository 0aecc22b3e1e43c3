// Pure, without @pulumi imports: drift and discover read the same rules without loading the Pulumi SDK.
import type { LiveRotationRules } from "./live/state.js";

/** A rotation schedule as the policies give it. */
export interface RotationScheduleInput {
  /** Days between rotations, 1 to 365: the longest gap the rules may leave. */
  readonly everyDays: number;
  /** UTC start "HH:00" and length in hours of the window rotation must start in. */
  readonly window?: { readonly start: string; readonly durationHours: number };
}

/** Secrets Manager's RotationRules (API RotationRulesType), as the program sets them. */
export interface RotationRules {
  readonly automaticallyAfterDays?: number;
  /** `rate(N days)` or `cron(0 H day-of-month month day-of-week *)`, UTC. */
  readonly scheduleExpression?: string;
  /** The window's length, "3h". */
  readonly duration?: string;
}

/** How a rule set behaves over the calendar, for the plan and the README. */
export interface RotationCadence {
  /** The longest time between two scheduled runs, in days: never more than the schedule's. */
  readonly longestGapDays: number;
  /** Scheduled runs in a year (the most, leap years included). */
  readonly runsPerYear: number;
  /**
   * The shortest time between two scheduled runs, in days: `every 30d` from the 1st runs on the
   * 31st and again on the 1st, a day later. What a credential that lives until the next rotation
   * can count on.
   */
  readonly shortestGapDays: number;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * Months between runs on the 1st, for a schedule of `everyDays` >= 31, and the longest gap that
 * leaves (the most days in that many consecutive months): every 2 months at most 62 days apart
 * (Jul-Aug, Dec-Jan), 3 months 92, 4 months 123, 6 months 184. A yearly run would be 366 days
 * apart across a leap day, so 365d gets two runs a year.
 */
const MONTH_STEPS = [
  { months: 6, longestGapDays: 184 },
  { months: 4, longestGapDays: 123 },
  { months: 3, longestGapDays: 92 },
  { months: 2, longestGapDays: 62 },
  { months: 1, longestGapDays: 31 },
] as const;

/**
 * Secrets Manager's rotation rules for a schedule, never further apart than `everyDays`
 * (Secrets Manager User Guide, "Rotation schedules": cron minutes must be 0, the year `*`; a
 * rate() window opens at midnight UTC; a cron() window at its hour):
 *
 * - no window: `AutomaticallyAfterDays` N (exactly every N days, any time of day);
 * - a window opening at 00:00: `rate(N days)` with the window's Duration (exactly every N days);
 * - any other window, a cron() at the window's hour (a rate() cannot start later than midnight):
 *   daily; weekly on Sunday for 7d; every N days of the month from the 1st for N up to 30 (the
 *   run on the 1st comes sooner than N after the month's last run); the 1st of every 1, 2, 3, 4 or
 *   6 months for longer schedules, whichever step stays within N.
 *
 * Calendar months and leap years make some gaps shorter than N, so a windowed schedule rotates
 * somewhat more often than every N days (`rotationCadence` says how often), never less often.
 */
export function rotationRules(schedule: RotationScheduleInput): RotationRules {
  const { everyDays, window } = schedule;
  if (!window) return { automaticallyAfterDays: everyDays };
  const hour = Number(window.start.slice(0, 2));
  const duration = `${window.durationHours}h`;
  if (hour === 0) return { scheduleExpression: rateExpression(everyDays), duration };
  return { scheduleExpression: `cron(${cronFields(everyDays, hour)})`, duration };
}

/** `rate(1 day)`, `rate(N days)`: the form the User Guide's examples use. */
export function rateExpression(everyDays: number): string {
  return `rate(${everyDays} ${everyDays === 1 ? "day" : "days"})`;
}

function cronFields(everyDays: number, hour: number): string {
  const at = `0 ${hour}`;
  if (everyDays === 1) return `${at} * * ? *`;
  if (everyDays === 7) return `${at} ? * SUN *`;
  if (everyDays <= 30) return `${at} 1/${everyDays} * ? *`;
  const step = MONTH_STEPS.find((s) => s.longestGapDays <= everyDays)!;
  return `${at} 1 ${step.months === 1 ? "*" : `1/${step.months}`} ? *`;
}

/**
 * The longest gap and the runs a year of the rules `rotationRules` writes for `schedule`,
 * computed from the calendar (not by running the expression; the tests do that).
 */
export function rotationCadence(schedule: RotationScheduleInput): RotationCadence {
  const { everyDays, window } = schedule;
  const exact = {
    longestGapDays: everyDays,
    runsPerYear: Math.ceil(366 / everyDays),
    shortestGapDays: everyDays,
  };
  if (!window || Number(window.start.slice(0, 2)) === 0) return exact;
  if (everyDays === 1 || everyDays === 7) return exact;
  if (everyDays <= 30) {
    // Runs on days 1, 1+N, … of each month; in a leap year February has 29 days.
    const leap = MONTH_DAYS.map((days, month) => (month === 1 ? 29 : days));
    // From a month's last run (day 1 + N * k) to the next month's 1st; February has 28 or 29 days.
    const untilFirst = [...MONTH_DAYS, 29].map(
      (days) => days - (1 + everyDays * Math.floor((days - 1) / everyDays)) + 1,
    );
    return {
      longestGapDays: everyDays,
      runsPerYear: leap.reduce((sum, days) => sum + Math.ceil(days / everyDays), 0),
      shortestGapDays: Math.min(everyDays, ...untilFirst),
    };
  }
  const step = MONTH_STEPS.find((s) => s.longestGapDays <= everyDays)!;
  // The fewest days in `months` consecutive months: February in a common year (28, 59, 89, 120, 181).
  const SHORTEST = { 1: 28, 2: 59, 3: 89, 4: 120, 6: 181 } as const;
  return {
    longestGapDays: step.longestGapDays,
    runsPerYear: 12 / step.months,
    shortestGapDays: SHORTEST[step.months],
  };
}

/**
 * The schedule a live rotation configuration keeps to, for discover: from AutomaticallyAfterDays,
 * a rate(), or a cron() of the forms `rotationRules` writes, the shortest interval whose rules are
 * exactly the live ones (so the policy written rotates no less often than the secret does now).
 * An hour-based rate() or a cron() of another form gives no interval (discover marks it for review).
 */
export function describeLiveRules(rules: LiveRotationRules | undefined): {
  everyDays?: number;
  start?: string;
  durationHours?: number;
} {
  if (!rules) return {};
  const result: { everyDays?: number; start?: string; durationHours?: number } = {};
  if (rules.automaticallyAfterDays) result.everyDays = rules.automaticallyAfterDays;
  const duration = rules.duration && /^(\d+)h$/.exec(rules.duration);
  if (duration) result.durationHours = Number(duration[1]);
  const expression = rules.scheduleExpression?.trim() ?? "";
  const rate = /^rate\((\d+) days?\)$/.exec(expression);
  if (rate) {
    result.everyDays = Number(rate[1]);
    if (result.durationHours !== undefined) result.start = "00:00";
  }
  // cron(minute hour day-of-month month day-of-week year)
  const cron = /^cron\(0 (\d{1,2}) \S+ \S+ \S+ \S+\)$/.exec(expression);
  if (cron) {
    const hour = Number(cron[1]);
    result.start = `${String(hour).padStart(2, "0")}:00`;
    const window = { start: result.start, durationHours: result.durationHours ?? 1 };
    const days = Array.from({ length: 365 }, (_, i) => i + 1).find(
      (everyDays) => rotationRules({ everyDays, window }).scheduleExpression === expression,
    );
    // Otherwise AutomaticallyAfterDays, which AWS computes from the schedule, is the best guess.
    if (days !== undefined) result.everyDays = days;
  }
  return result;
}
