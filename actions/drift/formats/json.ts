import type { DriftResult } from "../result.js";

/** `{"findings":[{tenant,resource,check,expected,actual,severity}],"summary":{…}}`, in this key order. */
export function formatJson(result: DriftResult): string {
  const output = {
    findings: result.findings.map(({ tenant, resource, check, expected, actual, severity }) => ({
      tenant,
      resource,
      check,
      expected,
      actual,
      severity,
    })),
    summary: result.summary,
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}
