import { describe, expect, it } from "vitest";
import { doc, expectHelpfulMessage, reported, validateText } from "../support/validate-text.js";

function withWindow(start: string, duration: string) {
  return validateText({
    // line 8: `    start: "HH:MM"`, line 9: `    duration: Nh` (value at column 15)
    "schedules.yaml": doc.schedule("nightly", "30d", { start, duration }),
    "acme.yaml": [
      doc.tenant("acme"),
      doc.service("api", "acme"),
      doc.secret("app-db", "acme", "nightly", ["api"]),
    ].join("---\n"),
  });
}

describe("rule rotation-window", () => {
  it.each(["0h", "25h"])("reports a window lasting %s at its duration", (duration) => {
    const [found, ...rest] = reported(withWindow("01:00", duration), "rotation-window");

    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "schedules.yaml:9:15",
      severity: "error",
      message: `window of schedule "nightly" lasts "${duration}"; use 1h to 24h`,
    });
  });

  it("reports a window that crosses midnight, saying when to start it or how far to shorten it", () => {
    const [found] = reported(withWindow("22:00", "3h"), "rotation-window");

    expect(found!.where).toBe("schedules.yaml:9:15");
    expectHelpfulMessage(found!.message, "nightly", "22:00", "3h");
    expect(found!.message).toBe(
      'window of schedule "nightly" opens at "22:00" and lasts "3h", crossing midnight (UTC); start it at "21:00" or earlier or shorten it to at most 2h',
    );
  });

  it.each([
    ["01:30", '"01:00" or "02:00"'],
    ["23:30", '"23:00"'],
  ])("reports a window opening at %s, off the hour, at its start", (start, use) => {
    const [found, ...rest] = reported(withWindow(start, "1h"), "rotation-window");

    expect(rest).toEqual([]);
    expect(found!.where).toBe("schedules.yaml:8:12");
    expect(found!.message).toBe(
      `window of schedule "nightly" opens at "${start}"; Secrets Manager rotation windows open on the hour: use ${use}`,
    );
  });

  it.each([
    ["00:00", "24h"],
    ["21:00", "3h"],
    ["01:00", "1h"],
    ["23:00", "1h"],
  ])("accepts a window from %s lasting %s", (start, duration) => {
    expect(reported(withWindow(start, duration), "rotation-window")).toEqual([]);
  });

  it("leaves a start time that is not HH:MM to the schema", () => {
    const result = withWindow("25:00", "1h");

    expect(result.diagnostics.map((d) => d.rule)).toEqual(["schema"]);
  });
});
