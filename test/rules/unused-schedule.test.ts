import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

describe("rule unused-schedule", () => {
  it("warns about a schedule no secret uses, at its name", () => {
    const result = validateText({
      "schedules.yaml": yamlFile(doc.schedule("monthly", "30d"), doc.schedule("yearly", "365d")),
      "acme.yaml": yamlFile(
        doc.tenant("acme"),
        doc.service("api", "acme"),
        doc.secret("app-db", "acme", "monthly", ["api"]),
      ),
    });

    const [found, ...rest] = reported(result, "unused-schedule");
    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "schedules.yaml:11:9",
      severity: "warning",
      message: 'schedule "yearly" is used by no secret; use it or delete it',
    });
    expectHelpfulMessage(found!.message, "yearly");
    expect(result.model).toBeDefined();
  });

  it("accepts a schedule used by a secret of any tenant", () => {
    const result = validateText({
      "schedules.yaml": yamlFile(doc.schedule("monthly", "30d"), doc.schedule("weekly", "7d")),
      "acme.yaml": yamlFile(
        doc.tenant("acme"),
        doc.service("api", "acme"),
        doc.secret("app-db", "acme", "monthly", ["api"]),
      ),
      "globex.yaml": yamlFile(
        doc.tenant("globex"),
        doc.service("api", "globex"),
        doc.secret("app-db", "globex", "weekly", ["api"]),
      ),
    });

    expect(reported(result, "unused-schedule")).toEqual([]);
  });
});
