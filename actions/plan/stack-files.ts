import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  readStackSettings,
  StackConfigError,
  type StackSettings,
} from "../../program/pulumi/settings.js";
import { UsageError } from "../io.js";

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/;

/** The stacks of a Pulumi project: one `Pulumi.<stack>.yaml` each, sorted by name. */
export function listStacks(projectDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(projectDir);
  } catch {
    throw new UsageError(`cannot read the project directory "${projectDir}"`);
  }
  return names
    .map((n) => STACK_FILE.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .sort();
}

/**
 * A stack's settings read from its file, offline. `secure:` values cannot be decrypted without
 * Pulumi: they become "[secret]", which is all the plan ever shows of a secret anyway.
 */
export function readStackFile(projectDir: string, stack: string): StackSettings {
  const file = join(projectDir, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    const known = listStacks(projectDir);
    throw new UsageError(
      `no stack "${stack}": Pulumi.${stack}.yaml not found` +
        (known.length ? ` (stacks: ${known.join(", ")})` : ""),
    );
  }
  return parseStackFile(text, stack);
}

/** A stack's settings from the text of its `Pulumi.<stack>.yaml` (see readStackFile). */
export function parseStackFile(text: string, stack: string, where = ""): StackSettings {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(`Pulumi.${stack}.yaml${where} is not valid YAML: ${reason}`);
  }
  const config =
    typeof document === "object" && document !== null && "config" in document
      ? ((document as { config: unknown }).config as Record<string, unknown> | null)
      : null;
  try {
    return readStackSettings(
      stack,
      (key) => {
        if (!config || !(key in config)) return undefined;
        const value = config[key];
        if (typeof value === "object" && value !== null && "secure" in value) {
          return { value: "[secret]", secret: true };
        }
        return { value, secret: false };
      },
      Object.keys(config ?? {}),
    );
  } catch (error) {
    if (error instanceof StackConfigError) throw new UsageError(`${error.message}${where}`);
    throw error;
  }
}
