import { describe, expect, it } from "vitest";
import { PLAN_LIMITS } from "../program/plans.js";
import { doc, validateText, yamlFile } from "./support/validate-text.js";

const POLICIES = {
  "schedules.yaml": yamlFile(
    doc.schedule("weekly", "7d"),
    doc.schedule("monthly", "30d", { start: "02:00", duration: "3h" }),
  ),
  "tenants/acme.yaml": yamlFile(
    doc.tenant("acme", "business", ["pci-dss", "soc2"]),
    doc.service("orders-api", "acme", "ecs"),
    doc.service("billing", "acme", "lambda"),
    doc.secret("orders-db", "acme", "monthly", ["orders-api", "billing"]),
    doc.secret("webhook-key", "acme", "weekly", ["billing"]),
  ),
  "tenants/globex.yaml": yamlFile(
    doc.tenant("globex", "enterprise"),
    doc.service("orders-api", "globex", "kubernetes"),
    doc.secret("orders-db", "globex", "monthly", ["orders-api"]),
  ),
};

describe("the typed model", () => {
  const model = validateText(POLICIES).model!;
  const acme = model.tenants.find((t) => t.name === "acme")!;
  const globex = model.tenants.find((t) => t.name === "globex")!;

  it("holds the tenants and schedules in file order", () => {
    expect(model.tenants.map((t) => t.name)).toEqual(["acme", "globex"]);
    expect(model.schedules.map((s) => s.name)).toEqual(["weekly", "monthly"]);
  });

  it("gives each tenant its plan, limits, compliance and AWS account", () => {
    expect(acme).toMatchObject({
      plan: "business",
      limits: { secrets: 100, rotationsPerMonth: 500 },
      compliance: ["pci-dss", "soc2"],
      aws: { account: "123456789012", region: "us-east-1" },
    });
    expect(globex.limits).toBe(PLAN_LIMITS.enterprise);
    expect(globex.compliance).toEqual([]);
  });

  it("resolves a secret's tenant, schedule and consumers to the objects themselves", () => {
    const ordersDb = acme.secrets.find((s) => s.name === "orders-db")!;
    const monthly = model.schedules.find((s) => s.name === "monthly")!;

    expect(ordersDb.tenant).toBe(acme);
    expect(ordersDb.schedule).toBe(monthly);
    expect(ordersDb.consumers).toEqual([acme.services[0], acme.services[1]]);
    expect(ordersDb.consumers[0]).toBe(acme.services.find((s) => s.name === "orders-api"));
  });

  it("resolves a consumer within the secret's own tenant when two tenants share a service name", () => {
    const globexDb = globex.secrets[0]!;

    expect(globexDb.consumers[0]!.tenant).toBe(globex);
    expect(globexDb.consumers[0]!.runtime).toBe("kubernetes");
  });

  it("lists on each service the secrets that name it", () => {
    const billing = acme.services.find((s) => s.name === "billing")!;

    expect(billing.tenant).toBe(acme);
    expect(billing.consumes.map((s) => s.name)).toEqual(["orders-db", "webhook-key"]);
    expect(billing.consumes.every((s) => s.tenant === acme)).toBe(true);
  });

  it("sums rotations per month as 30 / days over the tenant's secrets", () => {
    // monthly: 30 / 30 = 1, weekly: 30 / 7
    expect(acme.rotationsPerMonth).toBeCloseTo(1 + 30 / 7, 10);
    expect(globex.rotationsPerMonth).toBe(1);
  });

  it("turns durations and windows into numbers", () => {
    const [weekly, monthly] = model.schedules;

    expect(weekly).toMatchObject({ everyDays: 7 });
    expect(weekly!.window).toBeUndefined();
    expect(monthly!.everyDays).toBe(30);
    expect(monthly!.window).toEqual({ start: "02:00", startMinutes: 120, durationHours: 3 });
  });

  it("keeps where each entity was declared, for messages downstream", () => {
    const webhook = acme.secrets.find((s) => s.name === "webhook-key")!;

    expect(acme.source.file).toBe("tenants/acme.yaml");
    // tenant 1-10, two services 12-18 and 20-26, orders-db 28-36, webhook-key from 38.
    expect(webhook.source.at(["spec", "schedule"])).toEqual({ line: 45, column: 13 });
  });

  it("is built with warnings only", () => {
    const result = validateText({
      ...POLICIES,
      "schedules.yaml": yamlFile(POLICIES["schedules.yaml"], doc.schedule("yearly", "365d")),
    });

    expect(result.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
    expect(result.model?.schedules.map((s) => s.name)).toEqual(["weekly", "monthly", "yearly"]);
  });

  it.each([
    ["a schema error", { "x.yaml": doc.tenant("initech", "gold") }],
    [
      "an unknown reference",
      { "x.yaml": doc.secret("stray-db", "acme", "hourly", ["orders-api"]) },
    ],
    [
      "a plan limit",
      {
        "x.yaml":
          doc.tenant("initech", "free") +
          "---\n" +
          doc.schedule("daily", "1d") +
          "---\n" +
          doc.service("api", "initech") +
          "---\n" +
          doc.secret("busy-db", "initech", "daily", ["api"]),
      },
    ],
    ["a YAML syntax error", { "x.yaml": "kind: [" }],
  ])("is absent when there is %s", (_, extra) => {
    const result = validateText({ ...POLICIES, ...extra });

    expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
    expect(result.model).toBeUndefined();
  });
});
