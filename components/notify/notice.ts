import {
  EVENT_SEVERITY,
  type NotificationEvent,
  type NotificationSeverity,
} from "../../program/notifications.js";

/**
 * One thing that happened, in words for the people who must act on it: what happened, to which
 * tenant and secret, the run that saw it, and what to do next. Never a secret value: callers
 * build it from messages that have already been through their redaction (the engine's
 * describeError), and the notifier blanks the values it is given once more.
 */
export interface Notice {
  readonly event: NotificationEvent;
  readonly tenant: string;
  /** The policy's secret name, when the event concerns one secret. */
  readonly secret?: string;
  /** The run id: the rotation engine's, or the CLI command's. */
  readonly run: string;
  /** What happened, one line. */
  readonly title: string;
  /** Why, one or a few lines. */
  readonly detail?: string;
  /** What to do next. */
  readonly next: string;
  /** Tells apart notices of one event on one secret that are not the same (a drift check's id). */
  readonly subject?: string;
  readonly time?: Date;
}

export function severityOf(notice: Notice): NotificationSeverity {
  return EVENT_SEVERITY[notice.event];
}

/** "acme/orders-db", or "acme" for a tenant-wide notice. */
export function whereOf(notice: Notice): string {
  return notice.secret ? `${notice.tenant}/${notice.secret}` : notice.tenant;
}

/** The subject line of an email (SNS allows 100 characters, no line breaks). */
export function subjectOf(notice: Notice): string {
  const text = `VaultPilot ${severityOf(notice)}: ${notice.title}`.replace(/\s+/g, " ");
  return text.length <= 100 ? text : `${text.slice(0, 99)}…`;
}

/** The plain-text body: email, and the fallback text of a Slack message. */
export function textOf(notice: Notice): string {
  return [
    `[${severityOf(notice).toUpperCase()}] ${notice.title}`,
    "",
    ...(notice.detail ? [`What happened: ${notice.detail}`] : []),
    `Tenant: ${notice.tenant}`,
    ...(notice.secret ? [`Secret: ${notice.secret}`] : []),
    `Event: ${notice.event}`,
    `Run: ${notice.run}`,
    `Time: ${(notice.time ?? new Date()).toISOString()}`,
    "",
    `What to do next: ${notice.next}`,
  ].join("\n");
}

/** The generic webhook's JSON body (version 1). */
export function payloadOf(notice: Notice): Record<string, unknown> {
  return {
    version: 1,
    event: notice.event,
    severity: severityOf(notice),
    tenant: notice.tenant,
    ...(notice.secret && { secret: notice.secret }),
    run: notice.run,
    title: notice.title,
    ...(notice.detail && { detail: notice.detail }),
    next: notice.next,
    time: (notice.time ?? new Date()).toISOString(),
  };
}

const EMOJI: Record<NotificationSeverity, string> = {
  info: ":white_check_mark:",
  warning: ":warning:",
  error: ":x:",
  critical: ":rotating_light:",
};

/** Slack Block Kit: a header, what happened, the facts as fields, what to do next. */
export function slackMessageOf(notice: Notice) {
  const severity = severityOf(notice);
  return {
    text: `${notice.title} (${whereOf(notice)})`,
    blocks: [
      {
        type: "header" as const,
        // Header text is plain text of at most 150 characters.
        text: { type: "plain_text" as const, text: notice.title.slice(0, 150), emoji: true },
      },
      ...(notice.detail
        ? [
            {
              type: "section" as const,
              text: {
                type: "mrkdwn" as const,
                text: `${EMOJI[severity]} ${escape(notice.detail)}`,
              },
            },
          ]
        : []),
      {
        type: "section" as const,
        fields: [
          { type: "mrkdwn" as const, text: `*Tenant*\n${escape(notice.tenant)}` },
          ...(notice.secret
            ? [{ type: "mrkdwn" as const, text: `*Secret*\n${escape(notice.secret)}` }]
            : []),
          { type: "mrkdwn" as const, text: `*Severity*\n${severity}` },
          { type: "mrkdwn" as const, text: `*Run*\n\`${escape(notice.run)}\`` },
        ],
      },
      {
        type: "section" as const,
        text: { type: "mrkdwn" as const, text: `*What to do next*\n${escape(notice.next)}` },
      },
      {
        type: "context" as const,
        elements: [
          {
            type: "mrkdwn" as const,
            text: `${notice.event} · ${(notice.time ?? new Date()).toISOString()}`,
          },
        ],
      },
    ],
  };
}

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
