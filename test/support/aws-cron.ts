/**
 * An evaluator of Secrets Manager schedule expressions, written from the Secrets Manager User
 * Guide ("Rotation schedules") and independent of cloud/aws/rotation-rules.ts, so the tests check
 * the rules' actual run times rather than restate how they were chosen.
 *
 * cron(Minutes Hours Day-of-month Month Day-of-week Year): numbers, `*`, `?`, lists `a,b`, ranges
 * `a-b`, increments `a/n`, month and weekday names, `L` (last day of the month) in day-of-month.
 * Day-of-week is 1-7 = SUN-SAT. rate(N days) runs every N days from its first run.
 */

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

type Matcher = (value: number, context: { lastDay: number }) => boolean;

function field(text: string, min: number, max: number, names: readonly string[] = []): Matcher {
  if (text === "*" || text === "?") return () => true;
  const value = (token: string) => {
    const named = names.indexOf(token.toUpperCase());
    if (named >= 0) return named + min;
    const n = Number(token);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`bad cron value "${token}"`);
    return n;
  };
  const parts = text.split(",").map((part): Matcher => {
    if (part === "L") return (v, { lastDay }) => v === lastDay;
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] =
      range === "*"
        ? [min, max]
        : range!.includes("-")
          ? range!.split("-").map(value)
          : [value(range!), stepText === undefined ? value(range!) : max];
    return (v) => v >= from! && v <= to! && (v - from!) % step === 0;
  });
  return (v, context) => parts.some((matches) => matches(v, context));
}

/** Every run of `expression` from `from` (inclusive) to `to` (exclusive), as UTC times. */
export function scheduledRuns(expression: string, from: Date, to: Date): Date[] {
  const DAY = 86_400_000;
  const rate = /^rate\((\d+) days?\)$/.exec(expression);
  if (rate) {
    const runs: Date[] = [];
    for (let t = from.getTime(); t < to.getTime(); t += Number(rate[1]) * DAY)
      runs.push(new Date(t));
    return runs;
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) throw new Error(`not a schedule expression: ${expression}`);
  const fields = cron[1]!.split(" ");
  if (fields.length !== 6) throw new Error(`cron needs 6 fields: ${expression}`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (minutes !== "0") throw new Error("Secrets Manager cron minutes must be 0");
  if (year !== "*") throw new Error("Secrets Manager cron year must be *");
  if (dayOfMonth !== "?" && dayOfWeek !== "?")
    throw new Error("one of day-of-month and day-of-week must be ?");
  const hour = field(hours, 0, 23);
  const dom = field(dayOfMonth, 1, 31);
  const mon = field(month, 1, 12, MONTHS);
  const dow = field(dayOfWeek, 1, 7, WEEKDAYS);
  const runs: Date[] = [];
  for (
    let day = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    day < to.getTime();
    day += DAY
  ) {
    const date = new Date(day);
    const lastDay = new Date(
      Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0),
    ).getUTCDate();
    const context = { lastDay };
    if (!dom(date.getUTCDate(), context) || !mon(date.getUTCMonth() + 1, context)) continue;
    if (!dow(date.getUTCDay() + 1, context)) continue;
    for (let h = 0; h < 24; h++) {
      const run = day + h * 3_600_000;
      if (hour(h, context) && run >= from.getTime() && run < to.getTime()) runs.push(new Date(run));
    }
  }
  return runs;
}
