import { describe, expect, it } from "vitest";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

describe("rule secret-without-consumers", () => {
  const background = {
    "schedules.yaml": doc.schedule("monthly", "30d"),
    "acme.yaml": yamlFile(doc.tenant("acme"), doc.service("api", "acme")),
  };

  it("warns about a secret with no consumers key at its name", () => {
    const result = validateText({
      ...background,
      "secret.yaml": doc.secret("orphan-db", "acme", "monthly"),
    });

    const [found, ...rest] = reported(result, "secret-without-consumers");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "secret.yaml:4:9", severity: "warning" });
    expectHelpfulMessage(found!.message, "orphan-db");
  });

  it("warns about an empty consumers list too", () => {
    const result = validateText({
      ...background,
      "secret.yaml": doc.secret("orphan-db", "acme", "monthly") + "  consumers: []\n",
    });

    expect(reported(result, "secret-without-consumers").map((d) => d.where)).toEqual([
      "secret.yaml:4:9",
    ]);
  });

  it("accepts a secret with a consumer, and a warning alone leaves the policies valid", () => {
    const consumed = validateText({
      ...background,
      "secret.yaml": doc.secret("app-db", "acme", "monthly", ["api"]),
    });
    const orphan = validateText({
      ...background,
      "secret.yaml": doc.secret("orphan-db", "acme", "monthly"),
    });

    expect(reported(consumed, "secret-without-consumers")).toEqual([]);
    expect(orphan.model).toBeDefined();
  });
});
