import { describe, expect, it } from "vitest";
import { doc, expectHelpfulMessage, reported, validateText } from "../support/validate-text.js";

function withSchedule(every: string) {
  return validateText({
    "schedules.yaml": doc.schedule("custom", every),
    "acme.yaml": [
      doc.tenant("acme"),
      doc.service("api", "acme"),
      doc.secret("app-db", "acme", "custom", ["api"]),
    ].join("---\n"),
  });
}

describe("rule rotation-interval", () => {
  it.each(["0d", "366d", "1000d"])("reports every: %s at the value", (every) => {
    const [found, ...rest] = reported(withSchedule(every), "rotation-interval");

    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "schedules.yaml:6:10", severity: "error" });
    expectHelpfulMessage(found!.message, "custom", every);
    expect(found!.message).toContain("use a whole number of days from 1d to 365d");
  });

  it.each(["1d", "30d", "365d"])("accepts every: %s", (every) => {
    expect(reported(withSchedule(every), "rotation-interval")).toEqual([]);
  });

  it("leaves an interval that is not a number of days to the schema", () => {
    const result = withSchedule("30days");

    expect(result.diagnostics.map((d) => d.rule)).toEqual(["schema"]);
  });
});
