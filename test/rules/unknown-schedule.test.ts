import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

describe("rule unknown-schedule", () => {
  const background = {
    "schedules.yaml": yamlFile(doc.schedule("monthly", "30d"), doc.schedule("weekly", "7d")),
    "tenant.yaml": yamlFile(doc.tenant("acme"), doc.service("api", "acme")),
  };

  it("reports a misspelt schedule at spec.schedule, with the schedule it resembles", () => {
    const result = validateText({
      ...background,
      "secret.yaml": yamlFile(
        doc.secret("orders-db", "acme", "montly", ["api"]),
        doc.secret("ok-db", "acme", "monthly", ["api"]),
        doc.secret("w-db", "acme", "weekly", ["api"]),
      ),
    });

    const [found, ...rest] = reported(result, "unknown-schedule");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "secret.yaml:8:13", severity: "error" });
    expectHelpfulMessage(found!.message, "orders-db", "montly", "monthly");
  });

  it("reports a schedule that resembles none, listing the schedules there are", () => {
    const result = validateText({
      ...background,
      "secret.yaml": yamlFile(
        doc.secret("orders-db", "acme", "monthly", ["api"]),
        doc.secret("w-db", "acme", "weekly", ["api"]),
        doc.secret("fast-db", "acme", "hourly", ["api"]),
      ),
    });

    expect(reported(result, "unknown-schedule")).toEqual([
      {
        where: "secret.yaml:28:13",
        severity: "error",
        message:
          'secret "fast-db" uses schedule "hourly", which is not defined; define it as a RotationSchedule or use one of: monthly, weekly',
      },
    ]);
  });

  it("says so when no schedule is defined at all", () => {
    const result = validateText({
      "tenant.yaml": yamlFile(doc.tenant("acme"), doc.service("api", "acme")),
      "secret.yaml": doc.secret("orders-db", "acme", "monthly", ["api"]),
    });

    expect(reported(result, "unknown-schedule")[0]!.message).toMatch(
      /use one of: \(none defined\)$/,
    );
  });

  it("accepts a schedule defined in any file", () => {
    const result = validateText({
      ...background,
      "secret.yaml": yamlFile(
        doc.secret("orders-db", "acme", "monthly", ["api"]),
        doc.secret("w-db", "acme", "weekly", ["api"]),
      ),
    });

    expect(reported(result, "unknown-schedule")).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });
});
