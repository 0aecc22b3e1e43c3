// A tenant's notification routes as plain data, shared by the policy engine (program/notifications.ts
// builds them from policy), the AWS components (the rotation role reads their secrets) and the
// notifier (components/notify). Never a URL or a key: only where each is kept.

/** Every event a route can carry, in the schema's order (notifications.defs.schema.json). */
export const NOTIFICATION_EVENTS = [
  "rotation-succeeded",
  "rotation-failed",
  "rotation-rolled-back",
  "rollback-failed",
  "drift-found",
  "drift-resolved",
  "report-failing",
  "rotation-overdue",
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_SEVERITIES = ["info", "warning", "error", "critical"] as const;
export type NotificationSeverity = (typeof NOTIFICATION_SEVERITIES)[number];

/** Each event's severity: a rollback that failed leaves the secret and its backend apart. */
export const EVENT_SEVERITY: Readonly<Record<NotificationEvent, NotificationSeverity>> = {
  "rotation-succeeded": "info",
  "rotation-failed": "error",
  "rotation-rolled-back": "error",
  "rollback-failed": "critical",
  "drift-found": "warning",
  "drift-resolved": "info",
  "report-failing": "error",
  "rotation-overdue": "warning",
};

/** A route's events when it names none: everything but the (frequent, good) news of success. */
export const DEFAULT_EVENTS: readonly NotificationEvent[] = NOTIFICATION_EVENTS.filter(
  (e) => e !== "rotation-succeeded",
);

/** The same notification is not sent again within this window. @default 360 (6 hours) */
export const DEFAULT_DEDUPE_MINUTES = 360;

/** The tag on a rotated secret where the rotation function remembers what it notified (hashes and times). */
export const DEDUPE_TAG = "vaultpilot:notified";

/** Where a URL or a signing key is kept. */
export type SecretSource = { readonly secretsManager: string } | { readonly stackConfig: string };

export type RouteTarget =
  | { readonly kind: "email" }
  | { readonly kind: "slack"; readonly url: SecretSource }
  | { readonly kind: "webhook"; readonly url: SecretSource; readonly signingKey: SecretSource };

export interface NotificationRoute {
  readonly name: string;
  readonly target: RouteTarget;
  /** Defaults applied (DEFAULT_EVENTS). */
  readonly events: readonly NotificationEvent[];
  /** @default "info" */
  readonly minSeverity: NotificationSeverity;
}

export interface TenantNotifications {
  readonly routes: readonly NotificationRoute[];
  readonly dedupeMinutes: number;
}
