import type { Catalog } from "./catalog.js";

/**
 * What is wrong with a catalog beyond its schema: a check it names that no check file provides,
 * or a control id used twice. Empty when it is sound; a test runs it on every catalog.
 */
export function catalogProblems(catalog: Catalog, checks: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const control of catalog.controls) {
    if (seen.has(control.id))
      problems.push(`${catalog.framework} ${control.id}: control id used twice`);
    seen.add(control.id);
    for (const id of control.checks ?? []) {
      if (!checks.has(id)) {
        problems.push(
          `${catalog.framework} ${control.id}: no check "${id}" (checks: ${[...checks].sort().join(", ")})`,
        );
      }
    }
  }
  return problems;
}
