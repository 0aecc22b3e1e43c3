import { UsageError } from "../io.js";

/**
 * The period an export covers: whole UTC days, `from` and `to` both included.
 * `start` is `from` at 00:00:00Z; `end` is the day after `to` at 00:00:00Z (exclusive).
 */
export interface Period {
  readonly from: string;
  readonly to: string;
  readonly start: Date;
  readonly end: Date;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Parses `--from`/`--to` (YYYY-MM-DD, UTC). A period runs forwards and spans at most 366 days. */
export function parsePeriod(from: string, to: string): Period {
  const start = parseDay(from, "--from");
  const last = parseDay(to, "--to");
  if (last.getTime() < start.getTime()) {
    throw new UsageError(`--to ${to} is before --from ${from}; give the first day, then the last`);
  }
  const days = (last.getTime() - start.getTime()) / DAY_MS + 1;
  if (days > 366) {
    throw new UsageError(
      `the period ${from}..${to} spans ${days} days; export at most 366 at once`,
    );
  }
  return { from, to, start, end: new Date(last.getTime() + DAY_MS) };
}

function parseDay(text: string, option: string): Date {
  const match = DATE.exec(text);
  const date = match ? new Date(`${text}T00:00:00Z`) : undefined;
  // new Date accepts 2026-02-31 as March 3rd: round-trip to refuse it.
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new UsageError(
      `${option} must be a date as YYYY-MM-DD (UTC), such as 2026-10-01; got "${text}"`,
    );
  }
  return date;
}

/** The calendar month before `now` (UTC), as the monthly workflow exports it. */
export function previousMonth(now: Date): { from: string; to: string } {
  const firstOfThis = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const last = new Date(firstOfThis - DAY_MS);
  const first = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), 1));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/**
 * The UTC days (as `YYYY/MM/DD`, CloudTrail's key layout) from `start` for `count` days after the
 * period's end: CloudTrail delivers a log file up to about 15 minutes after its last event and a
 * digest up to an hour after its files, so the days after the period hold some of its evidence.
 */
export function dayPrefixes(period: Period, extraDays: number): string[] {
  const days: string[] = [];
  for (let t = period.start.getTime(); t < period.end.getTime() + extraDays * DAY_MS; t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10).replace(/-/g, "/"));
  }
  return days;
}

/** Whether an event time (ISO 8601) falls in the period. */
export function inPeriod(period: Period, time: number): boolean {
  return time >= period.start.getTime() && time < period.end.getTime();
}
