import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { readAuditSettings, type AuditSettings } from "../../program/pulumi/audit-settings.js";
import { StackConfigError } from "../../program/pulumi/settings.js";
import { UsageError } from "../io.js";

/** A stack's audit settings from `Pulumi.<stack>.yaml` (the file was found and read by readStackFile first). */
export function readStackAudit(projectDir: string, stack: string): AuditSettings {
  const document = parse(readFileSync(join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown> | null;
  } | null;
  const config = document?.config ?? {};
  try {
    return readAuditSettings(stack, (key) =>
      key in config ? { value: config[key], secret: false } : undefined,
    );
  } catch (error) {
    if (error instanceof StackConfigError)
      throw new UsageError(`Pulumi.${stack}.yaml: ${error.message}`);
    throw error;
  }
}
