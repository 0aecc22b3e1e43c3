import type { Report } from "../result.js";

/** The report as `schemas/report.schema.json` describes it. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
