import { Option, type Command } from "commander";
import type { CliIO } from "../io.js";

export const VALIDATE_FORMATS = ["text", "json", "github", "sarif"] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export function registerValidate(program: Command, io: CliIO, setExit: (code: number) => void) {
  program
    .command("validate")
    .description(
      "Check every policy file under a directory: YAML, schemas, references, tenant isolation, plan limits, compliance.",
    )
    .argument("[dir]", "the policy directory", "policies")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(VALIDATE_FORMATS)
        .default("text"),
    )
    .addHelpText(
      "after",
      "\nExit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error.\n" +
        "json prints {ok, diagnostics:[{file,line,column,severity,rule,message}]}, file relative to <dir>.\n" +
        "github prints workflow commands for pull-request annotations; sarif prints SARIF 2.1.0.",
    )
    .action(async (dir: string, options: { format: ValidateFormat }) => {
      const { validateCommand } = await import("./validate-command.js");
      setExit(validateCommand(dir, options.format, io));
    });
}
