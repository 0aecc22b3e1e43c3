import type { PolicyModel } from "../../program/model.js";
import { tenantSelected } from "../../program/pulumi/settings.js";
import { readStackFile } from "../plan/stack-files.js";

/** The tenants a stack owns: its `vaultpilot:tenants` selector in `Pulumi.<stack>.yaml`, as the program reads it. */
export function stackTenants(projectDir: string, stack: string, model: PolicyModel): Set<string> {
  const settings = readStackFile(projectDir, stack);
  return new Set(
    model.tenants.filter((t) => tenantSelected(t.name, settings.tenants)).map((t) => t.name),
  );
}
