import { describe, expect, it } from "vitest";
import { clusterYaml, deliveredSecret, kubernetesTenant } from "../support/kubernetes-policies.js";
import {
  doc,
  expectHelpfulMessage,
  reported,
  validateText,
  yamlFile,
} from "../support/validate-text.js";

function delivered(type: string, connection: string) {
  return validateText({
    "schedules.yaml": doc.schedule("monthly", "30d"),
    "acme.yaml": yamlFile(
      kubernetesTenant("acme", clusterYaml("prod")),
      deliveredSecret("orders-db", "acme", {
        type,
        connection,
        delivery: ["cluster: prod\n        refreshInterval: 5m"],
      }),
      `apiVersion: vaultpilot.dev/v1\nkind: Secret\nmetadata:\n  name: admin-db\n  tenant: acme\nspec:\n  type: ${type}\n  schedule: monthly\n  connection:\n    host: db.internal\n    username: admin\n`,
    ),
  });
}

describe("rule single-user-delivery", () => {
  it.each(["postgres", "mysql"])(
    "warns about a delivered single-user %s secret at the delivery",
    (type) => {
      const found = reported(
        delivered(type, "  connection:\n    host: db.internal\n    username: app\n"),
        "single-user-delivery",
      );
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ where: "acme.yaml:30:9", severity: "warning" });
      expectHelpfulMessage(found[0]!.message, "orders-db", "prod");
      expect(found[0]!.message).toContain("holds a dead password for up to 5m");
      expect(found[0]!.message).toContain("use connection.strategy: alternating");
    },
  );

  it("accepts alternating users", () => {
    const found = reported(
      delivered(
        "postgres",
        "  connection:\n    host: db.internal\n    username: app\n    strategy: alternating\n    masterSecret: admin-db\n",
      ),
      "single-user-delivery",
    );
    expect(found).toEqual([]);
  });
});
