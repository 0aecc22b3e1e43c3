import type { PlanResult } from "../plan-result.js";
import { show, summaryLine } from "../plan-result.js";

export function formatText(result: PlanResult, options: { color: boolean }): string {
  const paint = (code: number, text: string) =>
    options.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  const lines = [summaryLine(result), ""];
  for (const r of result.changes.create) lines.push(paint(32, `+ ${r.type} ${r.name}`));
  for (const u of result.changes.update) {
    lines.push(paint(33, `~ ${u.resource.type} ${u.resource.name}`));
    for (const c of u.changes) lines.push(`    ${c.path}: ${show(c.before)} => ${show(c.after)}`);
  }
  for (const r of result.changes.delete) lines.push(paint(31, `- ${r.type} ${r.name}`));
  const { impact } = result;
  if (impact.rotations.length || impact.services.length || impact.secrets.length) {
    lines.push("", "Impact:");
    for (const s of impact.secrets) lines.push(`  secret ${s.tenant}/${s.secret}: ${s.change}`);
    for (const r of impact.rotations) {
      lines.push(
        `  rotation ${r.tenant}/${r.secret}: ${r.before ?? "none"} => ${r.after ?? "none"}`,
      );
    }
    for (const s of impact.services) {
      lines.push(`  ${s.action} ${s.tenant}/${s.service}: ${s.reasons.join("; ")}`);
    }
  }
  return lines.join("\n") + "\n";
}
