import {
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  type CloudWatchLogsClient,
} from "@aws-sdk/client-cloudwatch-logs";
import type { Problem, RotationLogSourceResult } from "./manifest.js";
import type { MaskFields } from "./mask.js";
import type { Period } from "./period.js";
import { rotationLogRecord, type AuditRecord } from "./record.js";
import { reason } from "./cloudtrail/source.js";

export interface RotationLogInput {
  readonly logs: CloudWatchLogsClient;
  readonly tenant: string;
  readonly region: string;
  readonly period: Period;
  readonly mask: MaskFields;
  /** Receives each page's records, in the order FilterLogEvents returns them (by time). */
  readonly write: (records: readonly AuditRecord[]) => Promise<void>;
  readonly problem: (problem: Problem) => void;
}

/**
 * The audit lines the rotation engine writes (one JSON object per line, never a value) from the
 * tenant's rotation functions' log groups, `/vaultpilot/<tenant>/rotation/<type>`, with
 * FilterLogEvents over the period, page by page. No filter pattern is sent: moto's JSON filter
 * patterns return every event, so lines are parsed and filtered here (a line of another tenant,
 * or the runtime's own START/END lines, is not an audit event).
 */
export async function readRotationLogs(
  input: RotationLogInput,
): Promise<RotationLogSourceResult[]> {
  const prefix = `/vaultpilot/${input.tenant}/rotation/`;
  let groups: string[];
  try {
    groups = await listGroups(input.logs, prefix);
  } catch (error) {
    input.problem({
      kind: "source-unreadable",
      object: `logs:${input.region}:${prefix}*`,
      detail: `cannot list the rotation log groups: ${reason(error)}`,
    });
    return [];
  }
  const results: RotationLogSourceResult[] = [];
  for (const logGroup of groups) {
    let events = 0;
    let matched = 0;
    let token: string | undefined;
    try {
      do {
        const page = await input.logs.send(
          new FilterLogEventsCommand({
            logGroupName: logGroup,
            startTime: input.period.start.getTime(),
            // endTime is inclusive in milliseconds.
            endTime: input.period.end.getTime() - 1,
            nextToken: token,
          }),
        );
        const records: AuditRecord[] = [];
        for (const e of page.events ?? []) {
          events++;
          let line: unknown;
          try {
            line = JSON.parse(e.message ?? "");
          } catch {
            continue;
          }
          const record = rotationLogRecord(line, logGroup, e.logStreamName ?? "", input.mask);
          if (!record || record.tenant !== input.tenant) continue;
          const t = Date.parse(record.time);
          if (t < input.period.start.getTime() || t >= input.period.end.getTime()) continue;
          matched++;
          records.push(record);
        }
        await input.write(records);
        // moto repeats the last token on an empty page: stop when a page brings nothing new.
        token = page.nextToken && (page.events?.length ?? 0) > 0 ? page.nextToken : undefined;
      } while (token);
    } catch (error) {
      input.problem({
        kind: "source-unreadable",
        object: `logs:${input.region}:${logGroup}`,
        detail: `FilterLogEvents failed: ${reason(error)}; ${matched} events exported before it`,
      });
    }
    results.push({ logGroup, region: input.region, events, matched });
  }
  return results;
}

async function listGroups(logs: CloudWatchLogsClient, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken: token }),
    );
    for (const g of page.logGroups ?? []) if (g.logGroupName) names.push(g.logGroupName);
    token = page.nextToken;
  } while (token);
  return names.sort();
}
