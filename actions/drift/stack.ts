import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { PolicyModel } from "../../program/model.js";
import { tenantSelected } from "../../program/pulumi/settings.js";
import { readStackFile } from "../plan/stack-files.js";

export interface StackScope {
  /** The tenants the stack owns: its `vaultpilot:tenants` selector, as the program reads it. */
  readonly tenants: Set<string>;
  /** `vaultpilot:installation`, which the program hashes into each DriftReaderRole's ExternalId. */
  readonly installation?: string;
}

export function stackScope(projectDir: string, stack: string, model: PolicyModel): StackScope {
  const settings = readStackFile(projectDir, stack);
  const tenants = new Set(
    model.tenants.filter((t) => tenantSelected(t.name, settings.tenants)).map((t) => t.name),
  );
  // readStackFile validated the file; the installation is drift's own key.
  const document = parse(readFileSync(join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  } | null;
  const installation = document?.config?.["vaultpilot:installation"];
  return { tenants, ...(typeof installation === "string" && installation && { installation }) };
}
