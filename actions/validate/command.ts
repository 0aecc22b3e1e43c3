import { Option, type Command } from "commander";
import { cannotRun, describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import { VALIDATE_FORMATS, type ValidateFormat } from "./options.js";

export function registerValidate(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("validate")
    .description(
      "Check every policy file under a directory: YAML, schemas, references, tenant isolation, plan limits, compliance.",
    )
    .argument("[dir]", "the policy directory (default: the config's policies, else policies)")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(VALIDATE_FORMATS)
        .default("text"),
    )
    .option(
      "-c, --config <file>",
      "the config file (default: vaultpilot.config.yaml in the working directory, when present)",
    )
    .action(
      async (dir: string | undefined, options: { format: ValidateFormat; config?: string }) => {
        const { validateCommand } = await import("./validate-command.js");
        setExit(validateCommand(dir, options.format, io, options.config));
      },
    );
  describeCommand(command, {
    about:
      "json prints {ok, diagnostics:[{file,line,column,severity,rule,message}]}, file relative to <dir>.\n" +
      "github prints workflow commands for pull-request annotations (10 per severity, then a notice);\n" +
      "sarif prints SARIF 2.1.0 for code scanning.\n" +
      "Suppress one diagnostic with a comment on its line, or at the top of its document:\n" +
      "  # vaultpilot:ignore <rule-id> -- <reason>",
    exits: {
      clean: "no errors (warnings allowed)",
      findings: "errors found",
      failed: cannotRun(),
    },
  });
}
