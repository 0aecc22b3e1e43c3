import { describe, expect, it } from "vitest";
import { validatePolicies } from "../program/validate.js";

describe("the example policies in policies/", () => {
  const result = validatePolicies("policies");

  it("validate with no diagnostics at all", () => {
    expect(result.diagnostics).toEqual([]);
  });

  it("cover at least three tenants on different plans, one under pci-dss", () => {
    const tenants = result.model!.tenants;
    expect(tenants.length).toBeGreaterThanOrEqual(3);
    expect(new Set(tenants.map((t) => t.plan)).size).toBeGreaterThanOrEqual(3);
    expect(tenants.some((t) => t.compliance.includes("pci-dss"))).toBe(true);
  });

  it("use every secret type, every runtime and a schedule with a window", () => {
    const secrets = result.model!.tenants.flatMap((t) => t.secrets);
    const services = result.model!.tenants.flatMap((t) => t.services);
    expect(new Set(secrets.map((s) => s.type))).toEqual(
      new Set(["postgres", "mysql", "api-key", "webhook", "aws-iam-key", "generic"]),
    );
    expect(new Set(services.map((s) => s.runtime))).toEqual(
      new Set(["ecs", "lambda", "kubernetes", "ec2"]),
    );
    expect(result.model!.schedules.some((s) => s.window)).toBe(true);
  });

  it("resolve references to objects in the model", () => {
    const acme = result.model!.tenants.find((t) => t.name === "acme")!;
    const ordersDb = acme.secrets.find((s) => s.name === "orders-db")!;
    expect(ordersDb.tenant).toBe(acme);
    expect(ordersDb.schedule.everyDays).toBe(30);
    expect(ordersDb.consumers.map((c) => c.name)).toEqual(["orders-api", "billing-worker"]);
    expect(acme.services.find((s) => s.name === "orders-api")!.consumes).toContain(ordersDb);
  });
});
