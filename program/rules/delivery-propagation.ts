import type { Diagnostic } from "../diagnostics.js";
import type { SecretDocument } from "../documents.js";
import { DEFAULT_REFRESH_INTERVAL, parseRefreshSeconds } from "../kubernetes.js";
import { rotationCadence } from "../../cloud/aws/rotation-rules.js";
import type { RotationScheduleDocument } from "../documents.js";
import { parseDays, parseHours } from "../durations.js";
import { WEBHOOK_OVERLAP_HOURS } from "../rotation-config.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * How long both the old and the new credential of a secret work after a rotation, in seconds, and
 * why; undefined when the secret type has no such overlap (single-user databases are the
 * single-user-delivery rule's; api keys and generic values are replaced outright).
 */
function overlapOf(
  secret: SecretDocument,
  schedule: RotationScheduleDocument | undefined,
): { seconds: number; what: string } | undefined {
  if (secret.spec.type === "webhook")
    return {
      seconds: WEBHOOK_OVERLAP_HOURS * 3600,
      what: `a webhook's previous signing secret stays valid ${WEBHOOK_OVERLAP_HOURS}h after a rotation`,
    };
  if (
    (secret.spec.type === "postgres" || secret.spec.type === "mysql") &&
    secret.spec.connection?.strategy === "alternating"
  ) {
    const gap = shortestGapSeconds(schedule);
    if (gap === undefined) return undefined;
    return {
      seconds: gap.seconds,
      what: `with alternating users the previous user's password works until the next rotation, ${gap.what}`,
    };
  }
  return undefined;
}

/**
 * The shortest time from one scheduled rotation to the next: a windowed schedule's rules run on
 * calendar days (every 30d from the 1st runs on the 31st and again a day later, cloud/aws/
 * rotation-rules.ts), and a run may start anywhere in its window.
 */
function shortestGapSeconds(
  schedule: RotationScheduleDocument | undefined,
): { seconds: number; what: string } | undefined {
  const everyDays = schedule && parseDays(schedule.spec.every);
  if (everyDays === undefined) return undefined;
  const window = schedule!.spec.window;
  const durationHours = window ? (parseHours(window.duration) ?? 0) : 0;
  const { shortestGapDays } = rotationCadence({
    everyDays,
    ...(window && { window: { start: window.start, durationHours } }),
  });
  const seconds = shortestGapDays * 86_400 - durationHours * 3600;
  return {
    seconds,
    what:
      shortestGapDays === everyDays && durationHours === 0
        ? `${everyDays}d later`
        : `as soon as ${human(seconds)} later on schedule "${schedule!.name}" (its window's calendar days)`,
  };
}

const human = (seconds: number) =>
  seconds % 3600 === 0
    ? `${seconds / 3600}h`
    : seconds % 60 === 0
      ? `${seconds / 60}m`
      : `${seconds}s`;

/**
 * A delivered copy lags Secrets Manager by up to its refresh interval; when the old credential
 * stops working before the copy refreshes, its consumers fail. So the refresh interval must be
 * shorter than the time both credentials work.
 */
export const deliveryPropagation: PolicyRule = {
  id: "delivery-propagation",
  severity: "error",
  description:
    "A delivered secret's refreshInterval must be shorter than the time both its old and new credential work (a webhook's overlap; with alternating database users, the shortest time between scheduled rotations).",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const secret of policies.secrets) {
      const deliveries = secret.spec.delivery?.kubernetes ?? [];
      if (deliveries.length === 0) continue;
      const overlap = overlapOf(secret, policies.scheduleByName.get(secret.spec.schedule));
      if (!overlap) continue;
      for (const [index, delivery] of deliveries.entries()) {
        const interval = delivery.refreshInterval ?? DEFAULT_REFRESH_INTERVAL;
        const seconds = parseRefreshSeconds(interval);
        if (seconds === undefined || seconds < overlap.seconds) continue;
        diagnostics.push(
          report(
            this,
            secret,
            delivery.refreshInterval !== undefined
              ? ["spec", "delivery", "kubernetes", index, "refreshInterval"]
              : ["spec", "delivery", "kubernetes", index],
            `secret "${secret.name}" reaches cluster "${delivery.cluster}" every ${interval}` +
              `${delivery.refreshInterval === undefined ? " (the default)" : ""}, but ${overlap.what}: ` +
              `consumers would hold a dead credential until the next refresh; ` +
              `use a refreshInterval shorter than ${human(overlap.seconds)}, such as ${human(Math.max(60, Math.floor(overlap.seconds / 4 / 60) * 60))}`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
