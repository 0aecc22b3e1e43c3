// The policy engine as a library (`import … from "vaultpilot"`): load and validate a policy
// directory into the typed model. Only re-exports; each module documents its own shapes.
export {
  validatePolicies,
  validateDocuments,
  DOCUMENT_RULES,
  POLICY_RULES,
  LOADER_RULES,
  type ValidationResult,
} from "./validate.js";
export {
  loadPolicies,
  parsePolicyText,
  type LoadedDocument,
  type LoadResult,
} from "./load/load-policies.js";
export { buildModel } from "./build-model.js";
export {
  hasErrors,
  compareDiagnostics,
  type Diagnostic,
  type Position,
  type Severity,
} from "./diagnostics.js";
export type * from "./model.js";
export type * from "./documents.js";
