import { API_VERSION } from "../documents.js";
import { report, type DocumentRule } from "./rule.js";

/** Every document names the one language version there is, so that a v2 can be told apart. */
export const apiVersion: DocumentRule = {
  id: "api-version",
  severity: "error",
  description: `A document's apiVersion must be ${API_VERSION}.`,
  check(document) {
    const value = (document.value as Record<string, unknown>).apiVersion;
    if (value === API_VERSION) return [];
    const message =
      value === undefined
        ? `document has no apiVersion; add "apiVersion: ${API_VERSION}"`
        : `apiVersion ${JSON.stringify(value)} is not supported; use "${API_VERSION}"`;
    return [report(this, document, value === undefined ? [] : ["apiVersion"], message)];
  },
};
