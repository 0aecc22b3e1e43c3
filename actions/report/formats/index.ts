import type { ReportFormat } from "../options.js";
import type { Report } from "../result.js";
import { formatCsv } from "./csv.js";
import { formatHtml } from "./html.js";
import { formatJson } from "./json.js";
import { formatMarkdown } from "./markdown.js";

/** A file a format writes: its name under --out, and its text. */
export interface ReportFile {
  readonly name: string;
  readonly text: string;
}

/** Every report format by name; each turns the report into its file(s). */
export const REPORT_FORMATTERS: Readonly<Record<ReportFormat, (report: Report) => ReportFile[]>> = {
  html: (report) => [{ name: "compliance-report.html", text: formatHtml(report) }],
  markdown: (report) => [{ name: "compliance-report.md", text: formatMarkdown(report) }],
  json: (report) => [{ name: "compliance-report.json", text: formatJson(report) }],
  csv: (report) =>
    report.summary.frameworks.map((f) => ({
      name: `compliance-${f.framework}.csv`,
      text: formatCsv(report, f.framework),
    })),
};
