import { readFileSync } from "node:fs";
import type { AuditEvent } from "../../components/rotation/ports.js";
import { UsageError } from "../io.js";

const OUTCOMES = new Set(["started", "succeeded", "skipped", "failed", "retrying", "busy"]);

function isEvent(value: unknown): value is AuditEvent {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.time === "string" &&
    !Number.isNaN(Date.parse(e.time)) &&
    typeof e.tenant === "string" &&
    typeof e.secretArn === "string" &&
    typeof e.step === "string" &&
    typeof e.outcome === "string" &&
    OUTCOMES.has(e.outcome) &&
    typeof e.versions === "object" &&
    e.versions !== null
  );
}

/**
 * The rotation audit events of a JSON Lines file: what the rotation Lambda writes to its log
 * (one `AuditEvent` a line) and what `vaultpilot audit` exports. Blank lines and lines that are
 * not JSON objects starting with `{` (log prefixes) are skipped up to the first `{`; a line that
 * parses but is not an event is a usage error naming its line.
 */
export function readAuditEvents(path: string, shown: string): AuditEvent[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `--events: cannot read "${shown}" (${(error as NodeJS.ErrnoException).code ?? "error"}); give a JSON Lines file of rotation audit events`,
    );
  }
  const events: AuditEvent[] = [];
  text.split("\n").forEach((line, index) => {
    const start = line.indexOf("{");
    if (line.trim() === "" || start < 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(start));
    } catch {
      throw new UsageError(
        `${shown}:${index + 1}:${start + 1}: not JSON; each line must be one rotation audit event`,
      );
    }
    if (!isEvent(value)) {
      throw new UsageError(
        `${shown}:${index + 1}:${start + 1}: not a rotation audit event; it needs time (ISO 8601), tenant, secretArn, step, outcome and versions`,
      );
    }
    events.push(value);
  });
  return events;
}
