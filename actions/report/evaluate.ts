import type { Tenant } from "../../program/model.js";
import { CATALOGS, type FrameworkId } from "./catalog.js";
import type { CheckContext, Observation } from "./checks/check.js";
import { CHECKS } from "./checks/index.js";
import type { LineHistory } from "./evidence.js";
import {
  controlStatus,
  type ControlStatus,
  type ControlSummary,
  type FrameworkSummary,
  type Report,
  type ReportResult,
  type ReportSummary,
  type ResultStatus,
} from "./result.js";

/** The tenants each framework covers, in report order. */
export type Scope = ReadonlyMap<FrameworkId, readonly Tenant[]>;

const NEEDS = { live: "--live", history: "--events" } as const;

/**
 * Runs every control of every framework in `scope` over its tenants: one result per framework,
 * control, check and resource; one `manual` result per tenant for a manual control. A check that
 * throws gives `error` results (a failure to check is never a pass).
 */
export function evaluate(
  scope: Scope,
  context: Omit<CheckContext, "tenants">,
  history: LineHistory,
  options: {
    generatedAt: string;
    stack: string | null;
    notes: readonly string[];
    accounts: ReportSummary["accounts"];
  },
): Report {
  const results: ReportResult[] = [];
  const frameworks: FrameworkSummary[] = [];
  const changes = new Map<string, ReturnType<LineHistory["changeOf"]>>();
  const base = context.root;

  for (const [framework, tenants] of scope) {
    const catalog = CATALOGS[framework];
    const frameworkContext: CheckContext = { ...context, tenants };
    const observed = new Map<string, Observation[]>();
    const run = (id: string): Observation[] => {
      let found = observed.get(id);
      if (found) return found;
      const check = CHECKS.get(id);
      try {
        if (!check) throw new Error(`no check "${id}"`);
        found = check.evaluate(frameworkContext, catalog.parameters);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        found = tenants.map((tenant) => ({
          tenant: tenant.name,
          resource: tenant.name,
          status: "error" as const,
          observed: `check ${id} failed: ${reason}`,
          observedAt: context.at,
        }));
      }
      observed.set(id, found);
      return found;
    };

    const detail: ControlSummary[] = [];
    const counts: Record<ControlStatus, number> = {
      pass: 0,
      fail: 0,
      manual: 0,
      error: 0,
      "not-run": 0,
    };
    for (const control of catalog.controls) {
      const statuses: ResultStatus[] = [];
      if (control.manual) {
        for (const tenant of tenants) {
          statuses.push("manual");
          results.push({
            framework,
            control: control.id,
            check: "manual",
            tenant: tenant.name,
            resource: tenant.name,
            status: "manual",
            observed: "not automated: evidence to attach",
            evidence: { kind: "manual", observedAt: context.at, attach: control.manual.evidence },
          });
        }
      }
      const notRun: string[] = [];
      for (const id of control.checks ?? []) {
        const kind = CHECKS.get(id)?.kind;
        if ((kind === "live" && !context.live) || (kind === "history" && !context.history)) {
          notRun.push(`${id} (${NEEDS[kind]})`);
          continue;
        }
        for (const o of run(id)) {
          statuses.push(o.status);
          let change;
          if (o.source) {
            const key = `${o.source.path}\0${o.source.line}`;
            change = changes.get(key);
            if (!change) {
              change = history.changeOf(o.source);
              changes.set(key, change);
            }
          }
          results.push({
            framework,
            control: control.id,
            check: id,
            tenant: o.tenant,
            resource: o.resource,
            status: o.status,
            observed: o.observed,
            evidence: {
              kind: kind ?? "static",
              observedAt: o.observedAt,
              ...(o.source && {
                source: `${history.display(o.source.path, base)}:${o.source.line}`,
              }),
              ...(change && { change }),
            },
          });
        }
      }
      const status = controlStatus(statuses);
      counts[status]++;
      detail.push({
        id: control.id,
        title: control.title,
        summary: control.summary,
        reference: control.reference,
        status,
        checks: control.checks ?? [],
        ...(notRun.length > 0 && { note: `not run: ${notRun.join(", ")}` }),
      });
    }
    frameworks.push({
      framework,
      name: catalog.name,
      version: catalog.version,
      source: catalog.source,
      tenants: tenants.map((t) => t.name),
      controls: counts,
      detail,
    });
  }

  const totals: Record<ResultStatus, number> = { pass: 0, fail: 0, manual: 0, error: 0 };
  for (const r of results) totals[r.status]++;
  return {
    version: 1,
    generatedAt: options.generatedAt,
    results,
    summary: {
      stack: options.stack,
      tenants: new Set([...scope.values()].flat().map((t) => t.name)).size,
      accounts: options.accounts,
      live: context.live !== undefined,
      history: context.history
        ? { since: context.history.since, until: context.history.until }
        : null,
      at: context.at,
      results: totals,
      frameworks,
      notes: [...options.notes, ...(history.unavailable ? [history.unavailable] : [])],
    },
  };
}
