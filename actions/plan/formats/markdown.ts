import type { Impact } from "../impact.js";
import type { PlanResult } from "../plan-result.js";
import { show, summaryLine } from "../plan-result.js";
import { retentionText } from "../protection-impact.js";

/** Table cells: a `|` or a newline would break the row. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const id = (prefix: string, ...parts: string[]) =>
  `${prefix}_${parts.join("__").replace(/[^A-Za-z0-9_]/g, "_")}`;

/** tenant → secret → consumer, for what changed only. */
export function mermaidGraph(impact: Impact): string {
  const lines = ["graph LR"];
  const nodes = new Set<string>();
  const node = (key: string, text: string) => {
    if (!nodes.has(key)) lines.push(`  ${text}`);
    nodes.add(key);
  };
  const edges = new Set<string>();
  const edge = (from: string, to: string) => {
    const e = `  ${from} --> ${to}`;
    if (!edges.has(e)) lines.push(e);
    edges.add(e);
  };
  const secretNote = new Map<string, string>();
  for (const s of impact.secrets) secretNote.set(`${s.tenant}/${s.secret}`, s.change);
  for (const r of impact.rotations) {
    const key = `${r.tenant}/${r.secret}`;
    if (!secretNote.has(key)) secretNote.set(key, `rotation ${r.change}`);
  }
  for (const tenant of impact.tenants)
    node(id("t", tenant), `${id("t", tenant)}["tenant ${tenant}"]`);
  for (const [key, note] of secretNote) {
    const [tenant = "", secret = ""] = key.split("/");
    node(id("s", tenant, secret), `${id("s", tenant, secret)}["${secret}<br/>${note}"]`);
    edge(id("t", tenant), id("s", tenant, secret));
  }
  for (const s of impact.services) {
    node(
      id("v", s.tenant, s.service),
      `${id("v", s.tenant, s.service)}(["${s.service}<br/>${s.action}"])`,
    );
    if (s.secrets.length === 0) edge(id("t", s.tenant), id("v", s.tenant, s.service));
    for (const secret of s.secrets) {
      node(id("s", s.tenant, secret), `${id("s", s.tenant, secret)}["${secret}"]`);
      edge(id("t", s.tenant), id("s", s.tenant, secret));
      edge(id("s", s.tenant, secret), id("v", s.tenant, s.service));
    }
  }
  return lines.join("\n");
}

/** A pull-request comment: summary table, impact, a graph of what changed, details collapsed. */
export function formatMarkdown(result: PlanResult): string {
  const { changes, impact } = result;
  const out: string[] = [`### ${summaryLine(result)}`, ""];
  out.push(
    "| Change | Resources |",
    "| --- | ---: |",
    `| create | ${changes.create.length} |`,
    `| update | ${changes.update.length} |`,
    `| delete | ${changes.delete.length} |`,
    "",
  );
  if (impact.traffic.length || impact.retention.length) {
    out.push("#### Live traffic and evidence", "");
    if (impact.traffic.length) {
      out.push("| Tenant | Entry point | Live traffic |", "| --- | --- | --- |");
      for (const t of impact.traffic)
        out.push(`| ${cell(t.tenant)} | ${cell(t.entryPoint)} | ${cell(t.reasons.join("; "))} |`);
      out.push("");
    }
    if (impact.retention.length) {
      out.push("| Tenant | Log retention |", "| --- | --- |");
      for (const r of impact.retention)
        out.push(`| ${cell(r.tenant)} | ${cell(retentionText(r))} |`);
      out.push("");
    }
  }
  const notices = impact.notices ?? [];
  if (
    impact.secrets.length ||
    impact.rotations.length ||
    impact.services.length ||
    notices.length
  ) {
    out.push("#### Impact", "");
    for (const n of notices) out.push(`> **${n.level}**: ${n.message}`, "");
    if (impact.secrets.length || impact.rotations.length) {
      out.push(
        "| Tenant | Secret | Change | Rotation before | Rotation after |",
        "| --- | --- | --- | --- | --- |",
      );
      const keys = new Set([
        ...impact.secrets.map((s) => `${s.tenant}/${s.secret}`),
        ...impact.rotations.map((r) => `${r.tenant}/${r.secret}`),
      ]);
      for (const key of [...keys].sort()) {
        const [tenant = "", secret = ""] = key.split("/");
        const s = impact.secrets.find((x) => x.tenant === tenant && x.secret === secret);
        const r = impact.rotations.find((x) => x.tenant === tenant && x.secret === secret);
        const change = s ? `secret ${s.change}` : r ? `rotation ${r.change}` : "";
        out.push(
          `| ${cell(tenant)} | ${cell(secret)} | ${change} | ${cell(r?.before ?? "–")} | ${cell(r?.after ?? "–")} |`,
        );
      }
      out.push("");
    }
    if (impact.services.length) {
      out.push("| Tenant | Service | Action | Why |", "| --- | --- | --- | --- |");
      for (const s of impact.services) {
        out.push(
          `| ${cell(s.tenant)} | ${cell(s.service)} | **${s.action}** | ${cell(s.reasons.join("; "))} |`,
        );
      }
      out.push("");
    }
    out.push("```mermaid", mermaidGraph(impact), "```", "");
  }
  const total = changes.create.length + changes.update.length + changes.delete.length;
  if (total > 0) {
    out.push(`<details><summary>Resource changes (${total})</summary>`, "", "```diff");
    for (const r of changes.create) out.push(`+ ${r.type} ${r.name}`);
    for (const u of changes.update) {
      out.push(
        u.replaces
          ? `-/+ ${u.resource.type} ${u.resource.name} (replaced: ${u.replaces.join(", ")})`
          : `! ${u.resource.type} ${u.resource.name}`,
      );
      for (const c of u.changes) out.push(`!     ${c.path}: ${show(c.before)} => ${show(c.after)}`);
    }
    for (const r of changes.delete) out.push(`- ${r.type} ${r.name}`);
    out.push("```", "", "</details>", "");
  }
  return out.join("\n");
}
