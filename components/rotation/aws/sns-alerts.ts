import type { Alerts } from "../ports.js";
import type { AwsClients } from "./clients.js";

/** Critical alerts to the tenant's SNS topic. Subjects are cut to SNS's 100 characters. */
export function snsAlerts(clients: AwsClients, topicArn: string): Alerts {
  return {
    async critical(subject, message) {
      // Loaded only when an alert is sent (see clients.ts).
      const { PublishCommand } = await import("@aws-sdk/client-sns");
      await clients.sns().send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: subject.slice(0, 100),
          Message: message,
          MessageAttributes: { severity: { DataType: "String", StringValue: "critical" } },
        }),
      );
    },
  };
}
