import type { NotificationsSpec, SecretSourceSpec } from "./documents.js";

// A tenant's notification routes, as plain data: the model carries them, rotationConfigFor ships
// them to the rotation runtime, and components/notify delivers. Never a URL or a key: only where
// each is kept.

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

/** The model's routes from a tenant's schema-valid spec.notifications (rule notification-route holds one target each). */
export function notificationsFrom(spec: NotificationsSpec): TenantNotifications {
  return {
    dedupeMinutes: spec.dedupeWindow ? windowMinutes(spec.dedupeWindow) : DEFAULT_DEDUPE_MINUTES,
    routes: spec.routes.flatMap((route): NotificationRoute[] => {
      const target: RouteTarget | undefined = route.slack
        ? { kind: "slack", url: source(route.slack.url) }
        : route.webhook
          ? {
              kind: "webhook",
              url: source(route.webhook.url),
              signingKey: source(route.webhook.signingKey),
            }
          : route.email
            ? { kind: "email" }
            : undefined;
      if (!target) return [];
      return [
        {
          name: route.name,
          target,
          events: route.events ? [...route.events] : [...DEFAULT_EVENTS],
          minSeverity: route.minSeverity ?? "info",
        },
      ];
    }),
  };
}

/** "6h" or "30m" as minutes (the schema's pattern). */
export function windowMinutes(text: string): number {
  const n = Number(text.slice(0, -1));
  return text.endsWith("h") ? n * 60 : n;
}

function source(spec: SecretSourceSpec): SecretSource {
  return spec.secretsManager !== undefined
    ? { secretsManager: spec.secretsManager }
    : { stackConfig: spec.stackConfig ?? "" };
}

/** Whether a route carries an event: named in its events, and at or above its least severity. */
export function routeCarries(route: NotificationRoute, event: NotificationEvent): boolean {
  return (
    route.events.includes(event) &&
    NOTIFICATION_SEVERITIES.indexOf(EVENT_SEVERITY[event]) >=
      NOTIFICATION_SEVERITIES.indexOf(route.minSeverity)
  );
}

/** The environment variable the CLI reads a stack config key from: VAULTPILOT_NOTIFY_<KEY>. */
export function stackConfigVariable(key: string): string {
  return `VAULTPILOT_NOTIFY_${key.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`;
}
