import { relative, join } from "node:path";
import { hasErrors } from "../../program/diagnostics.js";
import { validatePolicies } from "../../program/validate.js";
import { EXIT, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { repositoryConfig, withConfigDiagnostics } from "../repository-config.js";
import { useColor } from "../terminal.js";
import { VALIDATE_FORMATTERS } from "./formats/index.js";
import type { ValidateFormat } from "./options.js";

export function validateCommand(
  dir: string | undefined,
  format: ValidateFormat,
  io: CliIO,
  configFile?: string,
): number {
  const repo = repositoryConfig(io.cwd, configFile);
  const root = policyDirectory(io.cwd, dir ?? repo.policies);
  const result = withConfigDiagnostics(
    validatePolicies(root, { rules: repo.config.rules }),
    repo,
    root,
  );
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
