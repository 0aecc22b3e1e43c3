import { KINDS } from "../documents.js";
import { closest } from "../did-you-mean.js";
import { report, type DocumentRule } from "./rule.js";

export const unknownKind: DocumentRule = {
  id: "unknown-kind",
  severity: "error",
  description: `A document's kind must be one of ${KINDS.join(", ")}.`,
  check(document) {
    const kind = (document.value as Record<string, unknown>).kind;
    if (typeof kind === "string" && (KINDS as readonly string[]).includes(kind)) return [];
    if (kind === undefined) {
      return [report(this, document, [], `document has no kind; add one of ${KINDS.join(", ")}`)];
    }
    const suggestion = typeof kind === "string" ? closest(kind, KINDS) : undefined;
    const fix = suggestion ? `did you mean "${suggestion}"?` : `use one of ${KINDS.join(", ")}`;
    return [report(this, document, ["kind"], `unknown kind ${JSON.stringify(kind)}; ${fix}`)];
  },
};
