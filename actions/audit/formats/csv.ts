import type { AuditRecord } from "../record.js";

/** The CSV's columns, in order: the normalised fields, without the original event. */
export const CSV_COLUMNS = [
  "line",
  "time",
  "tenant",
  "actor_arn",
  "actor_account",
  "source_ip",
  "user_agent",
  "action",
  "resource",
  "outcome",
  "error_code",
  "request_id",
  "event_id",
  "source",
  "origin",
] as const;

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\r\n`;
}

/** One row (RFC 4180: CRLF line ends, quotes doubled), for the JSONL line number `line`. */
export function csvRow(line: number, r: AuditRecord): string {
  const cells = [
    String(line),
    r.time,
    r.tenant,
    r.actor.arn,
    r.actor.account,
    r.actor.sourceIp,
    r.actor.userAgent,
    r.action,
    r.resource,
    r.outcome,
    r.errorCode,
    r.requestId,
    r.eventId,
    r.source,
    r.origin,
  ];
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * A cell: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`, `@`, tab or
 * carriage return gets a `'` first, so a spreadsheet shows a user agent or ARN as text rather than
 * run it as a formula (OWASP, "CSV Injection").
 */
export function csvCell(value: string | null): string {
  if (value === null) return "";
  let text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  if (/[",\r\n]/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}
