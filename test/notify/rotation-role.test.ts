import { describe, expect, it } from "vitest";
import { notificationStatements } from "../../components/aws/rotation-function.js";
import type { TenantNotifications } from "../../program/notifications.js";

const scope = { tenant: "acme", account: "111111111111", region: "us-east-1" };
const notifications: TenantNotifications = {
  dedupeMinutes: 360,
  routes: [
    {
      name: "security",
      target: { kind: "email" },
      events: ["rollback-failed"],
      minSeverity: "info",
    },
    {
      name: "platform",
      target: { kind: "slack", url: { secretsManager: "ops/acme/slack-webhook" } },
      events: ["rotation-failed"],
      minSeverity: "info",
    },
    {
      name: "siem",
      target: {
        kind: "webhook",
        url: { stackConfig: "acmeSiemUrl" },
        signingKey: {
          secretsManager:
            "arn:aws:secretsmanager:us-east-1:111111111111:secret:ops/acme/siem-key-AbCdEf",
        },
      },
      events: ["rotation-failed"],
      minSeverity: "info",
    },
  ],
};

describe("the rotation role's notification permissions", () => {
  it("reads exactly the route secrets kept in Secrets Manager and writes only the dedupe tag", () => {
    const statements = notificationStatements(scope, [
      { name: "orders-db", notifications },
      { name: "quiet-db" },
    ]);
    expect(statements).toEqual([
      {
        Sid: "RememberNotifications",
        Effect: "Allow",
        Action: ["secretsmanager:TagResource"],
        Resource: [
          "arn:aws:secretsmanager:us-east-1:111111111111:secret:vaultpilot/acme/orders-db-??????",
        ],
        Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["vaultpilot:notified"] } },
      },
      {
        Sid: "ReadNotificationSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [
          "arn:aws:secretsmanager:us-east-1:111111111111:secret:ops/acme/slack-webhook-??????",
          "arn:aws:secretsmanager:us-east-1:111111111111:secret:ops/acme/siem-key-AbCdEf",
        ],
      },
    ]);
  });

  it("grants nothing to a function whose secrets have no routes", () => {
    expect(notificationStatements(scope, [{ name: "quiet-db" }])).toEqual([]);
  });
});
