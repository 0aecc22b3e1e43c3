import { describe, expect, it } from "vitest";
import { MAX_ROTATION_DAYS } from "../../program/rules/compliance-rotation.js";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

function tenantOn(compliance: string[], schedule: string) {
  return validateText({
    "schedules.yaml": yamlFile(
      doc.schedule("quarterly", "90d"),
      doc.schedule("ninety-one", "91d"),
      doc.schedule("yearly", "365d"),
    ),
    "acme.yaml": yamlFile(
      doc.tenant("acme", "business", compliance),
      doc.service("api", "acme"),
      doc.secret("card-db", "acme", schedule, ["api"]),
    ),
  });
}

describe("rule compliance-rotation", () => {
  it("reports a pci-dss tenant's secret rotating every 365d at its spec.schedule", () => {
    // acme.yaml: tenant 1-10 (with compliance), service 12-18, secret from 20; schedule on line 27.
    const [found, ...rest] = reported(tenantOn(["pci-dss"], "yearly"), "compliance-rotation");

    expect(rest).toEqual([]);
    expect(found).toEqual({
      where: "acme.yaml:27:13",
      severity: "error",
      message:
        'schedule "yearly" rotates every 365d; tenant "acme" is under pci-dss, which allows at most 90d: use a schedule of 90d or less',
    });
    expectHelpfulMessage(found!.message, "yearly", "acme");
  });

  it("reports 91 days, one day over the bound, also when pci-dss is one framework of several", () => {
    expect(
      reported(tenantOn(["soc2", "pci-dss"], "ninety-one"), "compliance-rotation"),
    ).toHaveLength(1);
  });

  it("accepts exactly 90 days under pci-dss", () => {
    expect(reported(tenantOn(["pci-dss"], "quarterly"), "compliance-rotation")).toEqual([]);
  });

  it.each([[[]], [["soc2"]], [["hipaa", "iso27001"]]])(
    "accepts a yearly rotation for a tenant under %j, which set no fixed interval",
    (compliance) => {
      expect(reported(tenantOn(compliance, "yearly"), "compliance-rotation")).toEqual([]);
    },
  );

  it("bounds pci-dss only", () => {
    expect(MAX_ROTATION_DAYS).toEqual({ "pci-dss": 90 });
  });
});
