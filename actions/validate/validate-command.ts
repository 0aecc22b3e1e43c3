import { relative, join } from "node:path";
import { hasErrors } from "../../program/diagnostics.js";
import { validatePolicies } from "../../program/validate.js";
import { EXIT, useColor, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import type { ValidateFormat } from "./command.js";
import { formatGithub } from "./formats/github.js";
import { formatJson } from "./formats/json.js";
import { formatSarif } from "./formats/sarif.js";
import { formatText } from "./formats/text.js";

export function validateCommand(dir: string, format: ValidateFormat, io: CliIO): number {
  const root = policyDirectory(io.cwd, dir);
  const result = validatePolicies(root);
  // Annotations and code scanning resolve paths from the repository root, the working directory in CI.
  const fromCwd = (file: string) => relative(io.cwd, join(root, file)).split("\\").join("/");
  switch (format) {
    case "json":
      io.stdout(formatJson(result));
      break;
    case "github":
      io.stdout(formatGithub(result, fromCwd));
      break;
    case "sarif":
      io.stdout(formatSarif(result, fromCwd));
      break;
    case "text":
      io.stdout(formatText(result, { color: useColor(io) }));
      break;
  }
  return hasErrors(result.diagnostics) ? EXIT.findings : EXIT.clean;
}
