import { readFileSync } from "node:fs";
import type { Tenant } from "../../../program/model.js";
import type { CheckContext, SourceLine } from "./check.js";
import { policyLine } from "./check.js";

const lines = new Map<string, readonly string[]>();

/**
 * The line of the stack file (`Pulumi.<stack>.yaml`) that sets `key`, when --stack named one and
 * the file sets it; otherwise the tenant's own document, since the default then applies to it.
 */
export function settingLine(context: CheckContext, key: string, tenant: Tenant): SourceLine {
  const file = context.stackFile;
  if (file) {
    let text = lines.get(file);
    if (!text) {
      text = readFileSync(file, "utf8").split("\n");
      lines.set(file, text);
    }
    const index = text.findIndex((line) => line.trimStart().startsWith(`${key}:`));
    if (index >= 0) return { path: file, line: index + 1 };
  }
  return policyLine(context.root, tenant.source, ["metadata", "name"]);
}
