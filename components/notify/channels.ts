import type { AwsClients } from "../rotation/aws/clients.js";
import type { RouteTarget } from "../../program/notifications.js";
import { DeliveryHttpError, post, slackFetch, type HttpsOptions } from "./https.js";
import { payloadOf, slackMessageOf, subjectOf, textOf, severityOf, type Notice } from "./notice.js";
import { signWebhook } from "./signing.js";

/** Sends one notice to one route's destination; throws on failure (the notifier retries). */
export type Send = (notice: Notice) => Promise<void>;

/** A failure worth no retry: a 4xx other than 408 and 429, a missing secret, a bad URL. */
export class PermanentFailure extends Error {
  override name = "PermanentFailure";
}

export interface ChannelContext {
  readonly clients: AwsClients;
  /** The tenant's SNS topic, where email routes publish. */
  readonly topicArn?: string;
  /** The value of a URL or key, by where the policy says it is kept. */
  readonly secret: (which: "url" | "signingKey") => Promise<string>;
  readonly https?: HttpsOptions;
}

export function sender(target: RouteTarget, context: ChannelContext): Send {
  switch (target.kind) {
    case "email":
      return async (notice) => {
        if (!context.topicArn)
          throw new PermanentFailure("the tenant has no SNS topic for email routes");
        const { PublishCommand } = await import("@aws-sdk/client-sns");
        // The SDK retries throttling and 5xx itself (standard mode, 3 attempts).
        await context.clients.sns().send(
          new PublishCommand({
            TopicArn: context.topicArn,
            Subject: subjectOf(notice),
            Message: textOf(notice),
            MessageAttributes: {
              severity: { DataType: "String", StringValue: severityOf(notice) },
              event: { DataType: "String", StringValue: notice.event },
            },
          }),
        );
      };
    case "slack":
      return async (notice) => {
        const url = await context.secret("url");
        const { IncomingWebhook } = await import("@slack/webhook");
        // No retries inside the library: the notifier retries every channel the same way.
        const webhook = new IncomingWebhook(url, {
          fetch: slackFetch(context.https),
          timeout: context.https?.timeoutMs ?? 10_000,
          retryConfig: { retries: 0 },
        });
        try {
          await webhook.send(slackMessageOf(notice));
        } catch (error) {
          const status = (error as { statusCode?: number }).statusCode;
          if (status !== undefined) throw classify(new DeliveryHttpError(status));
          const original = (error as { original?: Error }).original;
          throw original ?? error;
        }
      };
    case "webhook":
      return async (notice) => {
        const [url, key] = await Promise.all([context.secret("url"), context.secret("signingKey")]);
        const body = JSON.stringify(payloadOf(notice));
        const answer = await post(
          url,
          body,
          {
            "content-type": "application/json",
            "user-agent": "vaultpilot-notify/1",
            ...signWebhook(key, body, notice.time),
          },
          context.https,
        );
        if (answer.status < 200 || answer.status >= 300) {
          const retryAfter = Number(answer.headers["retry-after"]);
          throw classify(
            new DeliveryHttpError(
              answer.status,
              Number.isFinite(retryAfter) ? retryAfter : undefined,
            ),
          );
        }
      };
  }
}

function classify(error: DeliveryHttpError): Error {
  if (error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429)
    return new PermanentFailure(error.message);
  return error;
}
