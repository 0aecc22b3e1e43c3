import { maskValue, type MaskFields } from "./mask.js";
import type { Match } from "./tenant-match.js";

/**
 * One line of the export: normalised fields an auditor filters on, and the original event with
 * every value-carrying field masked. `null` where the source has no such field.
 */
export interface AuditRecord {
  /** ISO 8601 UTC, from the event. */
  readonly time: string;
  readonly tenant: string;
  readonly actor: {
    /** The principal's ARN (for an assumed role, the session's ARN), or the AWS service that acted. */
    readonly arn: string | null;
    readonly account: string | null;
    readonly sourceIp: string | null;
    readonly userAgent: string | null;
  };
  /** `<service>:<operation>`, such as `secretsmanager:GetSecretValue` or `rotation:setSecret`. */
  readonly action: string;
  /** The tenant's secret, key or role the event names (as it names it: id, name, ARN or alias). */
  readonly resource: string;
  /** `success` or `failure` for API calls; a rotation step's own outcome otherwise. */
  readonly outcome: string;
  readonly errorCode: string | null;
  readonly requestId: string | null;
  readonly eventId: string | null;
  /** Where it came from: `cloudtrail` or `rotation-log`. */
  readonly source: "cloudtrail" | "rotation-log";
  /** The object or log stream: `s3://bucket/key` or `logs:<group>:<stream>`. */
  readonly origin: string;
  /** The original event, masked. */
  readonly event: unknown;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** Secrets Manager's own events that end a rotation badly. */
const FAILED_ROTATION = new Set(["RotationFailed", "RotationAbandoned"]);

/** A CloudTrail event (already matched to a tenant) as a record. */
export function cloudTrailRecord(
  event: Json,
  match: Match,
  origin: string,
  fields: MaskFields,
): AuditRecord {
  const identity = obj(event.userIdentity);
  const issuer = obj(obj(identity?.sessionContext)?.sessionIssuer);
  const source = str(event.eventSource) ?? "unknown";
  const name = str(event.eventName) ?? "unknown";
  const errorCode = str(event.errorCode);
  return {
    time: new Date(String(event.eventTime)).toISOString(),
    tenant: match.tenant,
    actor: {
      arn:
        str(identity?.arn) ??
        str(issuer?.arn) ??
        str(identity?.invokedBy) ??
        str(identity?.principalId) ??
        str(identity?.userName),
      account: str(identity?.accountId) ?? str(event.recipientAccountId),
      sourceIp: str(event.sourceIPAddress),
      userAgent: str(event.userAgent),
    },
    action: `${source.replace(/\.amazonaws\.com$/, "")}:${name}`,
    resource: match.resource,
    outcome: errorCode || FAILED_ROTATION.has(name) ? "failure" : "success",
    errorCode,
    requestId: str(event.requestID) ?? str(event.requestId),
    eventId: str(event.eventID) ?? str(event.eventId),
    source: "cloudtrail",
    origin,
    event: maskValue(event, fields),
  };
}

/**
 * A rotation engine audit line (components/rotation/ports.ts `AuditEvent`: time, tenant,
 * secretArn, step, outcome, attempt, durationMs, versions, detail) as a record, or undefined when
 * the line is not one (the log group also holds the Lambda runtime's own lines).
 */
export function rotationLogRecord(
  line: unknown,
  logGroup: string,
  logStream: string,
  fields: MaskFields,
): AuditRecord | undefined {
  const o = obj(line);
  const tenant = str(o?.tenant);
  const step = str(o?.step);
  const time = str(o?.time);
  if (!o || !tenant || !step || !time || Number.isNaN(Date.parse(time))) return undefined;
  const outcome = str(o.outcome) ?? "unknown";
  return {
    time: new Date(time).toISOString(),
    tenant,
    actor: { arn: `logs:${logGroup}`, account: null, sourceIp: null, userAgent: null },
    action: `rotation:${step}`,
    resource: str(o.secretArn) ?? "unknown",
    outcome: outcome === "succeeded" ? "success" : outcome === "failed" ? "failure" : outcome,
    errorCode: null,
    requestId: null,
    eventId: null,
    source: "rotation-log",
    origin: `logs:${logGroup}:${logStream}`,
    event: maskValue(o, fields),
  };
}
