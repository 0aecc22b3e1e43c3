import { StandardRetryStrategy } from "@smithy/util-retry";
import type { AwsClients } from "../rotation/aws/clients.js";
import {
  routeCarries,
  type NotificationRoute,
  type TenantNotifications,
} from "../../program/notifications.js";
import { PermanentFailure, sender, type Send } from "./channels.js";
import { dedupeKey, type DedupeStore } from "./dedupe.js";
import { DeliveryHttpError, type HttpsOptions } from "./https.js";
import type { Notice } from "./notice.js";
import { secretReader } from "./secrets.js";
import { sleep, type Sleep } from "../rotation/retry.js";

/** What became of one notice on one route: the audit line's content. */
export interface Delivery {
  readonly route: string;
  readonly event: Notice["event"];
  readonly outcome: "succeeded" | "skipped" | "failed";
  readonly attempts: number;
  /** Why skipped or failed, one line; never a URL, a key or a secret value. */
  readonly detail?: string;
}

export interface NotifierOptions {
  readonly notifications: TenantNotifications;
  readonly clients: AwsClients;
  /** The tenant's SNS topic (email routes). */
  readonly topicArn?: string;
  /** @default - no deduplication */
  readonly dedupe?: DedupeStore;
  /** Attempts per route, the first included. @default 3 (the AWS SDK's standard mode) */
  readonly attempts?: number;
  /** The backoff's base delay in ms (exponential, full jitter, @smithy/util-retry). @default 100 */
  readonly baseDelayMs?: number;
  readonly https?: HttpsOptions;
  /** Where stack config keys are read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Blanks known secret values out of any text that leaves. @default - identity */
  readonly redact?: (text: string) => string;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

export interface Notifier {
  /** Sends `notice` to every route that carries it. Never throws: failures come back as deliveries. */
  notify(notice: Notice): Promise<Delivery[]>;
}

/** Routes, deduplication and retries over the channels. */
export function createNotifier(options: NotifierOptions): Notifier {
  const redact = options.redact ?? ((text: string) => text);
  const now = options.now ?? Date.now;
  const read = secretReader(options.clients, options.env);
  const windowMs = options.notifications.dedupeMinutes * 60_000;
  const sends = new Map<string, Send>();
  const sendFor = (route: NotificationRoute): Send => {
    let send = sends.get(route.name);
    if (!send) {
      const target = route.target;
      send = sender(target, {
        clients: options.clients,
        ...(options.topicArn && { topicArn: options.topicArn }),
        ...(options.https && { https: options.https }),
        secret: async (which) => {
          if (target.kind === "email") throw new PermanentFailure("email routes have no secrets");
          const source =
            which === "url"
              ? target.url
              : target.kind === "webhook"
                ? target.signingKey
                : undefined;
          if (!source) throw new PermanentFailure(`${target.kind} routes have no ${which}`);
          return read(source).catch((error: unknown) => {
            throw new PermanentFailure((error as Error).message);
          });
        },
      });
      sends.set(route.name, send);
    }
    return send;
  };

  async function deliver(route: NotificationRoute, notice: Notice): Promise<Delivery> {
    const base = { route: route.name, event: notice.event };
    const key = dedupeKey([notice.event, notice.tenant, notice.secret, notice.subject, route.name]);
    try {
      const last = await options.dedupe?.lastSent(key);
      if (last !== undefined && now() - last < windowMs) {
        const minutes = Math.ceil((now() - last) / 60_000);
        return {
          ...base,
          outcome: "skipped",
          attempts: 0,
          detail: `the same notification was sent ${minutes} minute(s) ago, within the ${options.notifications.dedupeMinutes}-minute window`,
        };
      }
    } catch (error) {
      // A store that cannot be read must not silence a notification: send it.
      void error;
    }
    const sent = await withBackoff(() => sendFor(route)(clean(notice, redact)), options);
    if (!sent.ok)
      return { ...base, outcome: "failed", attempts: sent.attempts, detail: redact(sent.detail) };
    let detail: string | undefined;
    try {
      await options.dedupe?.record(key, now());
    } catch (error) {
      detail = `sent, but not recorded for deduplication: ${redact(oneLine(error))}`;
    }
    return { ...base, outcome: "succeeded", attempts: sent.attempts, ...(detail && { detail }) };
  }

  return {
    async notify(notice) {
      const routes = options.notifications.routes.filter((r) => routeCarries(r, notice.event));
      return Promise.all(
        routes.map((route) =>
          deliver(route, notice).catch((error: unknown): Delivery => ({
            route: route.name,
            event: notice.event,
            outcome: "failed",
            attempts: 0,
            detail: redact(oneLine(error)),
          })),
        ),
      );
    },
  };
}

/**
 * Runs `send` under @smithy/util-retry's standard strategy (exponential backoff with full
 * jitter, a retry budget shared by the notifier's routes); a PermanentFailure is not retried.
 */
async function withBackoff(
  send: () => Promise<void>,
  options: NotifierOptions,
): Promise<{ ok: true; attempts: number } | { ok: false; attempts: number; detail: string }> {
  const strategy = new StandardRetryStrategy({
    maxAttempts: Math.max(1, options.attempts ?? 3),
    baseDelay: options.baseDelayMs ?? 100,
  });
  const wait = options.sleep ?? sleep;
  let token = await strategy.acquireInitialRetryToken("notify");
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      strategy.recordSuccess(token);
      return { ok: true, attempts: attempt };
    } catch (error) {
      const detail = `attempt ${attempt}: ${oneLine(error)}`;
      if (error instanceof PermanentFailure) return { ok: false, attempts: attempt, detail };
      try {
        token = await strategy.refreshRetryTokenForRetry(token, {
          errorType:
            error instanceof DeliveryHttpError && error.status === 429 ? "THROTTLING" : "TRANSIENT",
          ...(error instanceof DeliveryHttpError &&
            error.retryAfterSeconds !== undefined && {
              retryAfterHint: new Date(Date.now() + error.retryAfterSeconds * 1000),
            }),
        });
      } catch {
        return { ok: false, attempts: attempt, detail };
      }
      await wait(token.getRetryDelay());
    }
  }
}

function clean(notice: Notice, redact: (text: string) => string): Notice {
  return {
    ...notice,
    title: redact(notice.title),
    next: redact(notice.next),
    ...(notice.detail !== undefined && { detail: redact(notice.detail) }),
  };
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error && error.name !== "Error" ? `${error.name}: ` : "";
  return `${name}${message.split("\n")[0] ?? ""}`;
}
