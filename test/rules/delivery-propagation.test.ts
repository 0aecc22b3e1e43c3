import { describe, expect, it } from "vitest";
import { clusterYaml, deliveredSecret, kubernetesTenant } from "../support/kubernetes-policies.js";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

const alternating =
  "  connection:\n    host: db.internal\n    username: app\n    strategy: alternating\n    masterSecret: admin-db\n";

function withDelivery(type: string, schedule: string, delivery: string, connection?: string) {
  return validateText({
    "schedules.yaml": yamlFile(
      doc.schedule("daily", "1d"),
      doc.schedule("monthly", "30d"),
      doc.schedule("monthly-night", "30d", { start: "01:00", duration: "3h" }),
    ),
    "acme.yaml": yamlFile(
      kubernetesTenant("acme", clusterYaml("prod")),
      deliveredSecret("app", "acme", {
        type,
        schedule,
        delivery: [delivery],
        ...(connection !== undefined && { connection }),
      }),
      `apiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: admin-db\n  tenant: acme\nspec:\n  type: ${type}\n  schedule: monthly\n  connection:\n    host: db.internal\n    username: admin\n`,
    ),
  });
}

describe("rule delivery-propagation", () => {
  it("reports a webhook refreshed no more often than its 24h overlap, at the refresh interval", () => {
    const found = reported(
      withDelivery("webhook", "monthly", "cluster: prod\n        refreshInterval: 24h"),
      "delivery-propagation",
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ where: "acme.yaml:28:26", severity: "error" });
    expectHelpfulMessage(found[0]!.message, "app", "prod");
    expect(found[0]!.message).toContain(
      "every 24h, but a webhook's previous signing secret stays valid 24h after a rotation: consumers would hold a dead credential until the next refresh; use a refreshInterval shorter than 24h, such as 6h",
    );
  });

  it("accepts a webhook refreshed within its overlap, and the 1h default", () => {
    expect(
      reported(
        withDelivery("webhook", "monthly", "cluster: prod\n        refreshInterval: 1439m"),
        "delivery-propagation",
      ),
    ).toEqual([]);
    expect(
      reported(withDelivery("webhook", "monthly", "cluster: prod"), "delivery-propagation"),
    ).toEqual([]);
  });

  it("reports alternating users rotated daily and refreshed daily; the default names itself", () => {
    const found = reported(
      withDelivery(
        "postgres",
        "daily",
        "cluster: prod\n        refreshInterval: 1440m",
        alternating,
      ),
      "delivery-propagation",
    );
    expect(found[0]?.message).toContain(
      "with alternating users the previous user's password works until the next rotation, 1d later",
    );
    expect(
      reported(
        withDelivery("postgres", "daily", "cluster: prod", alternating),
        "delivery-propagation",
      ),
    ).toEqual([]);
    expect(
      reported(
        withDelivery(
          "postgres",
          "monthly",
          "cluster: prod\n        refreshInterval: 720h",
          alternating,
        ),
        "delivery-propagation",
      ),
    ).toHaveLength(1);
    expect(
      reported(
        withDelivery(
          "postgres",
          "monthly",
          "cluster: prod\n        refreshInterval: 719h",
          alternating,
        ),
        "delivery-propagation",
      ),
    ).toEqual([]);
  });

  it("counts alternating users' overlap from the shortest gap of a windowed schedule (30d from the 1st runs on the 31st and the 1st)", () => {
    const found = reported(
      withDelivery(
        "postgres",
        "monthly-night",
        "cluster: prod\n        refreshInterval: 700h",
        alternating,
      ),
      "delivery-propagation",
    );

    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain(
      'works until the next rotation, as soon as 21h later on schedule "monthly-night"',
    );
    expect(
      reported(
        withDelivery(
          "postgres",
          "monthly-night",
          "cluster: prod\n        refreshInterval: 20h",
          alternating,
        ),
        "delivery-propagation",
      ),
    ).toEqual([]);
  });

  it("leaves single-user databases to single-user-delivery and types without an overlap alone", () => {
    const single = withDelivery(
      "postgres",
      "daily",
      "cluster: prod\n        refreshInterval: 48h",
      "  connection:\n    host: db.internal\n    username: app\n",
    );
    expect(reported(single, "delivery-propagation")).toEqual([]);
    expect(
      reported(
        withDelivery("api-key", "daily", "cluster: prod\n        refreshInterval: 48h"),
        "delivery-propagation",
      ),
    ).toEqual([]);
  });

  it("names the default interval when the delivery gives none", () => {
    // A webhook overlap under the 1h default cannot be written today; alternating daily with 1d is.
    const result = withDelivery(
      "mysql",
      "daily",
      "cluster: prod\n        refreshInterval: 25h",
      alternating,
    );
    expect(reported(result, "delivery-propagation")[0]?.message).toContain(
      'reaches cluster "prod" every 25h, but',
    );
  });
});
