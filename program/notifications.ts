import {
  DEFAULT_DEDUPE_MINUTES,
  DEFAULT_EVENTS,
  EVENT_SEVERITY,
  NOTIFICATION_SEVERITIES,
  type NotificationEvent,
  type NotificationRoute,
  type RouteTarget,
  type SecretSource,
  type TenantNotifications,
} from "../cloud/notification-routes.js";
import type { NotificationsSpec, SecretSourceSpec } from "./documents.js";

export * from "../cloud/notification-routes.js";

// A tenant's notification routes from its policy: the model carries them, rotationConfigFor ships
// them to the rotation runtime, and components/notify delivers. The shapes live in
// cloud/notification-routes.ts, where the AWS components can read them too.

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
