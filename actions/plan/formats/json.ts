import { publicResource } from "../diff.js";
import type { PlanResult } from "../plan-result.js";

export function formatJson(result: PlanResult): string {
  const brief = (r: { urn: string; type: string; name: string }) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
  });
  return (
    JSON.stringify(
      {
        stack: result.stack,
        ...(result.base !== undefined && { base: result.base }),
        scope: result.scope,
        guardrails: result.guardrails,
        resources: result.head.resources.map(publicResource),
        changes: {
          create: result.changes.create.map((r) => ({ ...brief(r), inputs: r.inputs })),
          update: result.changes.update.map((u) => ({
            ...brief(u.resource),
            changes: u.changes,
            ...(u.replaces && { replaces: u.replaces }),
          })),
          delete: result.changes.delete.map(brief),
        },
        impact: result.impact,
      },
      null,
      2,
    ) + "\n"
  );
}
