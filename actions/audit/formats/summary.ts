import type { AuditManifest, CloudTrailSourceResult } from "../manifest.js";

/** Where the export went, for the summary. */
export interface Delivery {
  readonly files: readonly string[];
  readonly uploaded?: readonly { url: string; lock: string }[];
}

const n = (x: number) => x.toLocaleString("en-US");
const scope = (m: AuditManifest) =>
  `${m.period.from}..${m.period.to}, ${m.stack ? `stack ${m.stack}, ` : ""}tenant${m.tenants.length === 1 ? "" : "s"} ${m.tenants.join(", ")}`;

function trailLine(s: CloudTrailSourceResult): string {
  const f = s.logFiles;
  const d = s.digests;
  return (
    `s3://${s.bucket}/…${s.path} ${s.region}: ${n(f.listed)} log files (${n(f.validated)} validated` +
    (f.unverified ? `, ${n(f.unverified)} unverified` : "") +
    (f.undigested ? `, ${n(f.undigested)} undigested` : "") +
    (f.altered ? `, ${n(f.altered)} altered` : "") +
    (f.missing ? `, ${n(f.missing)} missing` : "") +
    (f.unreadable ? `, ${n(f.unreadable)} unreadable` : "") +
    `), ${n(d.listed)} digests (${n(d.valid)} valid` +
    (d.invalid ? `, ${n(d.invalid)} invalid` : "") +
    (d.unchecked ? `, ${n(d.unchecked)} unchecked` : "") +
    `), ${n(s.events.read)} events read, ${n(s.events.matched)} exported` +
    (s.events.malformed ? `, ${n(s.events.malformed)} malformed` : "")
  );
}

export function summaryText(m: AuditManifest, delivery: Delivery, shownProblems = 20): string {
  const out: string[] = [];
  const per = Object.entries(m.counts.perTenant)
    .map(([t, c]) => `${t} ${n(c)}`)
    .join(", ");
  out.push(`audit export ${scope(m)}: ${n(m.counts.records)} records (${per})`);
  for (const s of m.sources.cloudTrail) out.push(`  CloudTrail ${trailLine(s)}`);
  for (const r of m.sources.rotationLogs)
    out.push(
      `  rotation log ${r.logGroup} (${r.region}): ${n(r.events)} lines, ${n(r.matched)} audit events`,
    );
  if (m.problemCount === 0) out.push("  no gaps: every log file read was listed by a valid digest");
  else {
    out.push(
      `  ${n(m.problemCount)} problem${m.problemCount === 1 ? "" : "s"} (all in the manifest${m.problemCount > m.problems.length ? `, the first ${m.problems.length}` : ""}):`,
    );
    for (const p of m.problems.slice(0, shownProblems))
      out.push(`    ${p.kind}  ${p.object}  ${p.detail}`);
    if (m.problemCount > shownProblems) out.push(`    … ${n(m.problemCount - shownProblems)} more`);
  }
  out.push(
    `  wrote ${delivery.files.join(", ")} (manifest signed with ${m.signing.keyId}, ${m.signing.algorithm})`,
  );
  for (const u of delivery.uploaded ?? []) out.push(`  uploaded ${u.url} (${u.lock})`);
  return `${out.join("\n")}\n`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** For the workflow's job summary (kept far below GitHub's 1 MiB by listing at most 50 problems). */
export function summaryMarkdown(m: AuditManifest, delivery: Delivery): string {
  const out: string[] = [];
  out.push(`### Audit export ${cell(scope(m))}`, "");
  out.push(
    `**${n(m.counts.records)} records**, ${m.problemCount === 0 ? "no gaps in the evidence" : `**${n(m.problemCount)} problem(s)**`}; manifest signed with \`${m.signing.keyId}\`.`,
    "",
  );
  out.push("| tenant | records |", "| --- | ---: |");
  for (const [t, c] of Object.entries(m.counts.perTenant)) out.push(`| ${t} | ${n(c)} |`);
  out.push("", "| source | what it gave |", "| --- | --- |");
  for (const s of m.sources.cloudTrail) out.push(`| CloudTrail | ${cell(trailLine(s))} |`);
  for (const r of m.sources.rotationLogs)
    out.push(
      `| rotation log | ${cell(`${r.logGroup} (${r.region}): ${n(r.events)} lines, ${n(r.matched)} audit events`)} |`,
    );
  if (m.problemCount > 0) {
    out.push("", "| problem | object | detail |", "| --- | --- | --- |");
    for (const p of m.problems.slice(0, 50))
      out.push(`| ${p.kind} | ${cell(p.object)} | ${cell(p.detail)} |`);
    if (m.problemCount > 50) out.push("", `… ${n(m.problemCount - 50)} more in manifest.json.`);
  }
  if (delivery.uploaded?.length) {
    out.push("", "Uploaded:", "");
    for (const u of delivery.uploaded) out.push(`- \`${u.url}\` (${cell(u.lock)})`);
  }
  return `${out.join("\n")}\n`;
}
