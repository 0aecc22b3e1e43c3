import type { Report, ReportResult } from "../result.js";
import { describeEvidence, STATUS_LABEL } from "./describe.js";

/** GitHub's limit for a job summary is 1 MiB per step; stay under it with room for the runner. */
export const MARKDOWN_LIMIT_BYTES = 1_000_000;

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function header(report: Report): string[] {
  const s = report.summary;
  const sources = [
    "policies and plan",
    ...(s.live ? ["live AWS (metadata calls)"] : []),
    ...(s.history ? [`rotation history ${s.history.since} to ${s.history.until}`] : []),
  ];
  const lines = [
    "# VaultPilot compliance report",
    "",
    `Evaluated as of ${s.at}${s.stack ? `, stack \`${s.stack}\`` : ""}, ${s.tenants} tenant(s); sources: ${sources.join(", ")}.`,
    `Results: ${s.results.pass} pass, ${s.results.fail} fail, ${s.results.error} error, ${s.results.manual} manual.`,
    "",
    "| framework | tenants | controls passing | failing | could not check | manual | not run |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const f of s.frameworks) {
    const c = f.controls;
    lines.push(
      `| ${cell(`${f.name} ${f.version}`)} | ${f.tenants.length} | ${c.pass} | ${c.fail} | ${c.error} | ${c.manual} | ${c["not-run"]} |`,
    );
  }
  if (s.notes.length > 0) lines.push("", ...s.notes.map((n) => `> ${cell(n)}`));
  return lines;
}

function body(report: Report, cap: number): { lines: string[]; left: number } {
  const lines: string[] = [];
  let left = 0;
  for (const f of report.summary.frameworks) {
    lines.push(
      "",
      `## ${f.name} ${f.version}`,
      "",
      "| control | title | status | reference |",
      "| --- | --- | --- | --- |",
    );
    for (const c of f.detail) {
      lines.push(
        `| ${cell(c.id)} | ${cell(c.title)} | ${STATUS_LABEL[c.status]}${c.note ? ` (${cell(c.note)})` : ""} | ${cell(c.reference)} |`,
      );
    }
    const bad = report.results.filter(
      (r: ReportResult) =>
        r.framework === f.framework && (r.status === "fail" || r.status === "error"),
    );
    if (bad.length > 0) {
      lines.push(
        "",
        "| control | check | tenant | resource | status | observed | evidence |",
        "| --- | --- | --- | --- | --- | --- | --- |",
      );
      for (const r of bad.slice(0, cap)) {
        lines.push(
          `| ${cell(r.control)} | ${cell(r.check)} | ${cell(r.tenant)} | ${cell(r.resource)} | ${r.status} | ${cell(r.observed)} | ${cell(describeEvidence(r))} |`,
        );
      }
      if (bad.length > cap) left += bad.length - cap;
    }
  }
  return { lines, left };
}

/**
 * The job summary: a table per framework, each control's status, and the failing results with
 * their evidence. Failing rows are cut (and the cut said) so the text stays under 1 MiB; the HTML
 * and JSON artifacts hold everything.
 */
export function formatMarkdown(report: Report): string {
  const head = header(report);
  for (let cap = 500; ; cap = Math.floor(cap / 2)) {
    const { lines, left } = body(report, cap);
    const tail =
      left > 0
        ? ["", `${left} more failing or unchecked result(s) are in the HTML and JSON reports.`]
        : [];
    const text = `${[...head, ...lines, ...tail].join("\n")}\n`;
    if (Buffer.byteLength(text) <= MARKDOWN_LIMIT_BYTES || cap === 0) return text;
  }
}
