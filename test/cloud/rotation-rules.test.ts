import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeLiveRules,
  rotationCadence,
  rotationRules,
} from "../../cloud/aws/rotation-rules.js";
import { scheduledRuns } from "../support/aws-cron.js";

const DAY = 86_400_000;
// Nine years: the leap days of 2028 and 2032 inside, 2100 (no leap day) is not needed by a `*` year.
const FROM = new Date("2027-01-01T00:00:00Z");
const TO = new Date("2036-01-01T00:00:00Z");

/** The gaps between consecutive runs, in days. */
function gapsInDays(runs: readonly Date[]): number[] {
  return runs.slice(1).map((run, i) => (run.getTime() - runs[i]!.getTime()) / DAY);
}

const schedules = fc.record({
  everyDays: fc.integer({ min: 1, max: 365 }),
  hour: fc.integer({ min: 0, max: 23 }),
  durationHours: fc.integer({ min: 1, max: 24 }),
});

describe("rotationRules", () => {
  it("rotates exactly every N days, at any time of day, when the schedule has no window", () => {
    expect(rotationRules({ everyDays: 30 })).toEqual({ automaticallyAfterDays: 30 });
  });

  it("never leaves more than the schedule's days between two runs, across leap years, and opens each run at the window", () => {
    fc.assert(
      fc.property(schedules, ({ everyDays, hour, durationHours }) => {
        const duration = Math.min(durationHours, 24 - hour);
        const start = `${String(hour).padStart(2, "0")}:00`;
        const rules = rotationRules({ everyDays, window: { start, durationHours: duration } });

        const runs = scheduledRuns(rules.scheduleExpression!, FROM, TO);

        expect(rules.duration).toBe(`${duration}h`);
        expect(rules.automaticallyAfterDays).toBeUndefined();
        expect(runs.every((run) => run.getUTCHours() === hour)).toBe(true);
        expect(Math.max(...gapsInDays(runs))).toBeLessThanOrEqual(everyDays);
        // More often than asked only as the calendar forces: at most twice the runs, plus one a year.
        const years = (TO.getTime() - FROM.getTime()) / (365.25 * DAY);
        expect(runs.length / years).toBeLessThanOrEqual((2 * 365.25) / everyDays + 1);
      }),
      { numRuns: 300 },
    );
  });

  it("states its cadence as the runs show it: the longest gap and the most runs in a year", () => {
    fc.assert(
      fc.property(schedules, ({ everyDays, hour }) => {
        const window = { start: `${String(hour).padStart(2, "0")}:00`, durationHours: 1 };
        const runs = scheduledRuns(
          rotationRules({ everyDays, window }).scheduleExpression!,
          FROM,
          TO,
        );
        const cadence = rotationCadence({ everyDays, window });
        const perYear = [2027, 2028, 2029, 2030, 2031, 2032].map(
          (year) => runs.filter((run) => run.getUTCFullYear() === year).length,
        );

        expect(Math.max(...gapsInDays(runs))).toBe(cadence.longestGapDays);
        expect(Math.min(...gapsInDays(runs))).toBeGreaterThanOrEqual(cadence.shortestGapDays);
        if (hour !== 0 && everyDays !== 7 && everyDays !== 1)
          expect(Math.max(...perYear)).toBe(cadence.runsPerYear);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a 90-day pci-dss schedule with a window within 90 days, where a quarterly cron left 92", () => {
    const window = { start: "01:00", durationHours: 3 };
    const quarterly = gapsInDays(scheduledRuns("cron(0 1 1 1/3 ? *)", FROM, TO));
    const chosen = gapsInDays(
      scheduledRuns(rotationRules({ everyDays: 90, window }).scheduleExpression!, FROM, TO),
    );

    expect(Math.max(...quarterly)).toBe(92);
    expect(Math.max(...chosen)).toBeLessThanOrEqual(90);
    expect(
      Math.max(
        ...gapsInDays(
          scheduledRuns(rotationRules({ everyDays: 365, window }).scheduleExpression!, FROM, TO),
        ),
      ),
    ).toBeLessThanOrEqual(365);
  });

  it("uses rate() for a window that opens at midnight, where rate() windows open", () => {
    expect(rotationRules({ everyDays: 90, window: { start: "00:00", durationHours: 4 } })).toEqual({
      scheduleExpression: "rate(90 days)",
      duration: "4h",
    });
  });
});

describe("describeLiveRules", () => {
  it("reads back the shortest interval and the window of every rule the program writes", () => {
    fc.assert(
      fc.property(schedules, ({ everyDays, hour, durationHours }) => {
        const window = {
          start: `${String(hour).padStart(2, "0")}:00`,
          durationHours: Math.min(durationHours, 24 - hour),
        };
        const rules = rotationRules({ everyDays, window });

        const back = describeLiveRules(rules);

        expect(back.start).toBe(window.start);
        expect(back.durationHours).toBe(window.durationHours);
        expect(back.everyDays).toBeLessThanOrEqual(everyDays);
        expect(rotationRules({ everyDays: back.everyDays!, window })).toEqual(rules);
      }),
      { numRuns: 200 },
    );
  });

  it("reads AutomaticallyAfterDays and rate() as they are", () => {
    expect(describeLiveRules({ automaticallyAfterDays: 30 })).toEqual({ everyDays: 30 });
    expect(describeLiveRules({ scheduleExpression: "rate(10 days)" })).toEqual({ everyDays: 10 });
  });
});
