import type { Kind } from "../documents.js";
import { checkSchema } from "../schema-check.js";
import type { DocumentRule } from "./rule.js";

/** Runs after api-version and unknown-kind have passed, so the kind is known. */
export const schema: DocumentRule = {
  id: "schema",
  severity: "error",
  description: "A document must match its kind's JSON Schema in schemas/.",
  check(document) {
    const kind = (document.value as { kind: Kind }).kind;
    return checkSchema(kind, document);
  },
};
