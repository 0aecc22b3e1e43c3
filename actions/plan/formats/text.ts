import type { PlanResult } from "../plan-result.js";
import { show, summaryLine } from "../plan-result.js";
import { painter } from "../../terminal.js";
import { retentionText } from "../protection-impact.js";

export function formatText(result: PlanResult, options: { color: boolean }): string {
  const paint = painter(options.color);
  const lines = [summaryLine(result), ""];
  for (const r of result.changes.create) lines.push(paint("green", `+ ${r.type} ${r.name}`));
  for (const u of result.changes.update) {
    lines.push(
      u.replaces
        ? paint(
            "red",
            `-/+ ${u.resource.type} ${u.resource.name} (replaced: ${u.replaces.join(", ")})`,
          )
        : paint("yellow", `~ ${u.resource.type} ${u.resource.name}`),
    );
    for (const c of u.changes) lines.push(`    ${c.path}: ${show(c.before)} => ${show(c.after)}`);
  }
  for (const r of result.changes.delete) lines.push(paint("red", `- ${r.type} ${r.name}`));
  const { impact } = result;
  const notices = impact.notices ?? [];
  if (
    impact.rotations.length ||
    impact.services.length ||
    impact.secrets.length ||
    impact.traffic.length ||
    impact.retention.length ||
    notices.length
  ) {
    lines.push("", "Impact:");
    for (const n of notices) lines.push(`  ${n.level}: ${n.message}`);
    for (const s of impact.secrets) lines.push(`  secret ${s.tenant}/${s.secret}: ${s.change}`);
    for (const r of impact.rotations) {
      lines.push(
        `  rotation ${r.tenant}/${r.secret}: ${r.before ?? "none"} => ${r.after ?? "none"}`,
      );
    }
    for (const s of impact.services) {
      lines.push(`  ${s.action} ${s.tenant}/${s.service}: ${s.reasons.join("; ")}`);
    }
    for (const t of impact.traffic) {
      lines.push(`  live traffic ${t.tenant}/${t.entryPoint}: ${t.reasons.join("; ")}`);
    }
    for (const r of impact.retention) lines.push(`  retention ${r.tenant}: ${retentionText(r)}`);
  }
  return lines.join("\n") + "\n";
}
