import { doc, validateText, yamlFile } from "../support/validate-text.js";

/**
 * A tenant "acme" (us-east-1) with `extra` appended to its spec (indented two spaces), in
 * acme.yaml. Its first appended line is line 10, or 11 with compliance.
 */
export function tenantWith(extra: string, compliance: readonly string[] = []) {
  return validateText({
    "acme.yaml": yamlFile(doc.tenant("acme", "business", compliance) + extra),
  });
}
