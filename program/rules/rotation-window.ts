import { MAX_WINDOW_HOURS, MIN_WINDOW_HOURS, parseHours, parseTimeOfDay } from "../durations.js";
import type { Diagnostic } from "../diagnostics.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * Secrets Manager windows open on the hour and run within one UTC day (Secrets Manager User Guide,
 * "Rotation schedules"), so a window starts at HH:00 and may not cross midnight.
 */
export const rotationWindow: PolicyRule = {
  id: "rotation-window",
  severity: "error",
  description: `A rotation window opens on the hour, lasts ${MIN_WINDOW_HOURS}h to ${MAX_WINDOW_HOURS}h and may not cross midnight (UTC).`,
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const schedule of policies.schedules) {
      const window = schedule.spec.window;
      if (!window) continue;
      const hours = parseHours(window.duration);
      const start = parseTimeOfDay(window.start);
      if (hours === undefined || start === undefined) continue;
      if (hours < MIN_WINDOW_HOURS || hours > MAX_WINDOW_HOURS) {
        diagnostics.push(
          report(
            this,
            schedule,
            ["spec", "window", "duration"],
            `window of schedule "${schedule.name}" lasts "${window.duration}"; use ${MIN_WINDOW_HOURS}h to ${MAX_WINDOW_HOURS}h`,
          ),
        );
      } else if (start % 60 !== 0) {
        const hour = Math.floor(start / 60);
        const earlier = `${String(hour).padStart(2, "0")}:00`;
        const later = hour < 23 ? ` or "${String(hour + 1).padStart(2, "0")}:00"` : "";
        diagnostics.push(
          report(
            this,
            schedule,
            ["spec", "window", "start"],
            `window of schedule "${schedule.name}" opens at "${window.start}"; Secrets Manager rotation windows open on the hour: use "${earlier}"${later}`,
          ),
        );
      } else if (start + hours * 60 > 24 * 60) {
        // The longest window that still fits from this start, and the latest start for this length.
        const longest = Math.floor((24 * 60 - start) / 60);
        const latestStart = `${String(24 - hours).padStart(2, "0")}:00`;
        const shorten = longest >= MIN_WINDOW_HOURS ? ` or shorten it to at most ${longest}h` : "";
        diagnostics.push(
          report(
            this,
            schedule,
            ["spec", "window", "duration"],
            `window of schedule "${schedule.name}" opens at "${window.start}" and lasts "${window.duration}", ` +
              `crossing midnight (UTC); start it at "${latestStart}" or earlier${shorten}`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
