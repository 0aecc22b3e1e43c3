import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

/** The repository's example policies. */
export const EXAMPLE_POLICIES = join(import.meta.dirname, "..", "..", "policies");

/** Connection fields to set on one example secret's spec.connection. */
export interface ConnectionOverride {
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly username?: string;
  readonly tls?: boolean;
}

/**
 * A copy of the example policies in a temporary directory, with spec.connection of the secrets
 * named `<tenant>/<secret>` pointed at a test's own database server. Rotation holds the secret
 * value to the policy's connection, so a test server on 127.0.0.1 and a free port needs a policy
 * that names it. Comments and the rest of each file are kept.
 */
export function examplePoliciesAt(overrides: Readonly<Record<string, ConnectionOverride>>): {
  dir: string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "vaultpilot-policies-"));
  cpSync(EXAMPLE_POLICIES, dir, { recursive: true });
  const left = new Set(Object.keys(overrides));
  for (const file of yamlFiles(dir)) {
    const documents = parseAllDocuments(readFileSync(file, "utf8"));
    if (!Array.isArray(documents)) continue;
    let changed = false;
    for (const document of documents) {
      if (document.get("kind") !== "Secret") continue;
      const ref = `${String(document.getIn(["metadata", "tenant"]))}/${String(document.getIn(["metadata", "name"]))}`;
      const override = overrides[ref];
      if (!override) continue;
      for (const [key, value] of Object.entries(override))
        document.setIn(["spec", "connection", key], value);
      left.delete(ref);
      changed = true;
    }
    if (changed) writeFileSync(file, documents.map((d) => d.toString()).join(""));
  }
  if (left.size) throw new Error(`no example secret ${[...left].join(", ")}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(dir, name));
}
