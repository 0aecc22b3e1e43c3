import type { ControlStatus, Report, ReportResult } from "../result.js";
import { controlStatus } from "../result.js";
import { describeChange, STATUS_LABEL } from "./describe.js";

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const e = escapeHtml;

const STYLE = `
:root { --pass:#1a7f37; --fail:#cf222e; --error:#9a6700; --manual:#0969da; --notrun:#6e7781; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", system-ui, sans-serif; color:#1f2328; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.s { display: inline-block; min-width: 4.5em; padding: 0 .4em; border-radius: 1em; color: #fff; font-weight: bold; text-align: center; font-size: 12px; }
.s-pass { background: var(--pass); } .s-fail { background: var(--fail); } .s-error { background: var(--error); }
.s-manual { background: var(--manual); } .s-not-run { background: var(--notrun); }
details { margin: .25rem 0; } summary { cursor: pointer; padding: .2rem 0; }
.meta, .note { color: #57606a; } .note { border-left: 3px solid #d0d7de; padding-left: .5rem; }
code { font: 12px "DejaVu Sans Mono", monospace; word-break: break-all; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  details { page-break-inside: avoid; }
  summary { list-style: none; }
  h2 { page-break-after: avoid; }
  .s { color: #000; border: 1px solid #000; background: none; }
}`;

const badge = (status: ControlStatus) =>
  `<span class="s s-${status}">${STATUS_LABEL[status]}</span>`;

const FIRST: Readonly<Record<ReportResult["status"], number>> = {
  fail: 0,
  error: 1,
  manual: 2,
  pass: 3,
};

/** Rows of results, failures and unchecked ones first (a stable sort keeps the report's order within each). */
function resultRows(results: readonly ReportResult[], withControl: boolean): string {
  return [...results]
    .sort((a, b) => FIRST[a.status] - FIRST[b.status])
    .map((r) => {
      const ev = r.evidence;
      const evidence = ev.attach
        ? `Attach: ${e(ev.attach)}`
        : [
            `${e(ev.kind)}, observed ${e(ev.observedAt)}`,
            ev.source ? `<code>${e(ev.source)}</code>` : "",
            ev.change ? e(describeChange(ev.change)) : "",
          ]
            .filter(Boolean)
            .join("<br>");
      return `<tr>${withControl ? `<td>${e(r.framework)} ${e(r.control)}</td>` : ""}<td>${e(r.tenant)}</td><td><code>${e(r.check)}</code></td><td><code>${e(r.resource)}</code></td><td>${badge(r.status)}</td><td>${e(r.observed)}</td><td>${evidence}</td></tr>`;
    })
    .join("\n");
}

/**
 * One self-contained HTML file: inline style, no external resource (no font, script or image
 * fetched), a summary per framework, a drill-down per control and per tenant in <details>, opened
 * for printing so a PDF shows everything.
 */
export function formatHtml(report: Report): string {
  const s = report.summary;
  const byControl = new Map<string, ReportResult[]>();
  const byTenant = new Map<string, ReportResult[]>();
  for (const r of report.results) {
    const key = `${r.framework}\0${r.control}`;
    (byControl.get(key) ?? byControl.set(key, []).get(key)!).push(r);
    (byTenant.get(r.tenant) ?? byTenant.set(r.tenant, []).get(r.tenant)!).push(r);
  }
  const sources = [
    "policies and plan",
    ...(s.live ? ["live AWS (metadata calls only)"] : []),
    ...(s.history ? [`rotation history from ${s.history.since} to ${s.history.until}`] : []),
  ];
  const parts: string[] = [];
  parts.push(
    `<h1>VaultPilot compliance report</h1>`,
    `<p class="meta">Evaluated as of ${e(s.at)}${s.stack ? `, stack <code>${e(s.stack)}</code>` : ""}; ${s.tenants} tenant(s); sources: ${e(sources.join(", "))}. Generated ${e(report.generatedAt)}.</p>`,
    `<p>Results: ${s.results.pass} pass, ${s.results.fail} fail, ${s.results.error} could not check, ${s.results.manual} manual.</p>`,
    ...s.notes.map((n) => `<p class="note">${e(n)}</p>`),
    `<h2 id="summary">Summary</h2>`,
    `<table><thead><tr><th>framework</th><th>tenants</th><th>pass</th><th>fail</th><th>could not check</th><th>manual</th><th>not run</th></tr></thead><tbody>`,
    ...s.frameworks.map(
      (f) =>
        `<tr><td><a href="#fw-${e(f.framework)}">${e(f.name)} ${e(f.version)}</a></td><td class="n">${f.tenants.length}</td><td class="n">${f.controls.pass}</td><td class="n">${f.controls.fail}</td><td class="n">${f.controls.error}</td><td class="n">${f.controls.manual}</td><td class="n">${f.controls["not-run"]}</td></tr>`,
    ),
    `</tbody></table>`,
  );
  for (const f of s.frameworks) {
    parts.push(
      `<h2 id="fw-${e(f.framework)}">${e(f.name)} ${e(f.version)}</h2>`,
      `<p class="meta">Source: ${e(f.source.title)} (${e(f.source.url)}). Tenants: ${e(f.tenants.join(", "))}.</p>`,
    );
    for (const c of f.detail) {
      const results = byControl.get(`${f.framework}\0${c.id}`) ?? [];
      parts.push(
        `<details><summary>${badge(c.status)} <strong>${e(c.id)}</strong> ${e(c.title)} <span class="meta">(${results.length} result(s))</span></summary>`,
        `<p>${e(c.summary)} <span class="meta">Reference: ${e(c.reference)}.${c.checks.length ? ` Checks: ${e(c.checks.join(", "))}.` : ""}${c.note ? ` ${e(c.note)}.` : ""}</span></p>`,
        results.length
          ? `<table><thead><tr><th>tenant</th><th>check</th><th>resource</th><th>status</th><th>observed</th><th>evidence</th></tr></thead><tbody>\n${resultRows(results, false)}\n</tbody></table>`
          : "",
        `</details>`,
      );
    }
  }
  parts.push(`<h2 id="tenants">By tenant</h2>`);
  for (const [tenant, results] of [...byTenant].sort(([a], [b]) => a.localeCompare(b))) {
    const controls = new Map<string, ReportResult[]>();
    for (const r of results) {
      const key = `${r.framework} ${r.control}`;
      (controls.get(key) ?? controls.set(key, []).get(key)!).push(r);
    }
    const status = controlStatus(results.map((r) => r.status));
    const where = s.accounts[tenant];
    parts.push(
      `<details><summary>${badge(status)} <strong>${e(tenant)}</strong> <span class="meta">${where ? `${e(where.account)} ${e(where.region)}, ` : ""}${controls.size} control(s)</span></summary>`,
      `<table><thead><tr><th>control</th><th>tenant</th><th>check</th><th>resource</th><th>status</th><th>observed</th><th>evidence</th></tr></thead><tbody>\n${resultRows(results, true)}\n</tbody></table>`,
      `</details>`,
    );
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>VaultPilot compliance report</title>
<style>${STYLE}</style>
</head>
<body>
${parts.filter(Boolean).join("\n")}
<script>addEventListener("beforeprint", () => { for (const d of document.querySelectorAll("details")) d.open = true; });</script>
</body>
</html>
`;
}
