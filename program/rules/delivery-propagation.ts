import type { Diagnostic } from "../diagnostics.js";
import type { SecretDocument } from "../documents.js";
import { DEFAULT_REFRESH_INTERVAL, parseRefreshSeconds } from "../kubernetes.js";
import { parseDays } from "../durations.js";
import { WEBHOOK_OVERLAP_HOURS } from "../rotation-config.js";
import { report, type PolicyRule } from "./rule.js";

/**
 * How long both the old and the new credential of a secret work after a rotation, in seconds, and
 * why; undefined when the secret type has no such overlap (single-user databases are the
 * single-user-delivery rule's; api keys and generic values are replaced outright).
 */
function overlapOf(
  secret: SecretDocument,
  everyDays: number | undefined,
): { seconds: number; what: string } | undefined {
  if (secret.spec.type === "webhook")
    return {
      seconds: WEBHOOK_OVERLAP_HOURS * 3600,
      what: `a webhook's previous signing secret stays valid ${WEBHOOK_OVERLAP_HOURS}h after a rotation`,
    };
  if (
    (secret.spec.type === "postgres" || secret.spec.type === "mysql") &&
    secret.spec.connection?.strategy === "alternating" &&
    everyDays !== undefined
  )
    return {
      seconds: everyDays * 86_400,
      what: `with alternating users the previous user's password works until the next rotation, ${everyDays}d later`,
    };
  return undefined;
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
    "A delivered secret's refreshInterval must be shorter than the time both its old and new credential work (a webhook's overlap; with alternating database users, the rotation interval).",
  check(policies) {
    const diagnostics: Diagnostic[] = [];
    for (const secret of policies.secrets) {
      const deliveries = secret.spec.delivery?.kubernetes ?? [];
      if (deliveries.length === 0) continue;
      const schedule = policies.scheduleByName.get(secret.spec.schedule);
      const overlap = overlapOf(secret, schedule && parseDays(schedule.spec.every));
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
