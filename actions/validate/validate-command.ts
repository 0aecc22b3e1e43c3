import { relative, join } from "node:path";
import { hasErrors } from "../../program/diagnostics.js";
import { validatePolicies } from "../../program/validate.js";
import { EXIT, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { useColor } from "../terminal.js";
import { VALIDATE_FORMATTERS } from "./formats/index.js";
import type { ValidateFormat } from "./options.js";

export function validateCommand(dir: string, format: ValidateFormat, io: CliIO): number {
  const root = policyDirectory(io.cwd, dir);
  const result = validatePolicies(root);
  io.stdout(
    VALIDATE_FORMATTERS[format]({
      result,
      color: useColor(io),
      // Annotations and code scanning resolve paths from the repository root, the working directory in CI.
      pathOf: (file) => relative(io.cwd, join(root, file)).split("\\").join("/"),
    }),
  );
  return hasErrors(result.diagnostics) ? EXIT.findings : EXIT.clean;
}
