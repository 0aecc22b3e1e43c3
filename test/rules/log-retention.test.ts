import { describe, expect, it } from "vitest";
import { LOG_RETENTION_VALUES } from "../../program/protection/policy.js";
import { tenantWith } from "../support/protection-policies.js";
import { expectHelpfulMessage, reported } from "../support/validate-text.js";

describe("rule log-retention", () => {
  it("reports a retention CloudWatch Logs does not accept at its value, naming the next longer", () => {
    const [found, ...rest] = reported(tenantWith("  logRetention: 100\n"), "log-retention");
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ where: "acme.yaml:10:17", severity: "error" });
    expect(found!.message).toMatch(
      /^log retention "100" days is not one CloudWatch Logs accepts: use 120 \(the next longer\)/,
    );
    expectHelpfulMessage(found!.message, "100");
  });

  it("reports a retention longer than ten years", () => {
    expect(reported(tenantWith("  logRetention: 4000\n"), "log-retention")[0]!.message).toContain(
      "use 3653",
    );
  });

  it.each(LOG_RETENTION_VALUES.map((v) => [v]))("accepts %s days", (days) => {
    expect(reported(tenantWith(`  logRetention: ${days}\n`), "log-retention")).toEqual([]);
  });
});
