import { Command, CommanderError } from "commander";
import { registerAudit } from "./audit/command.js";
import { markRequiredOptions } from "./help.js";
import { EXIT, OutputError, UsageError, type CliIO } from "./io.js";
import { registerBootstrap } from "./bootstrap/command.js";
import { registerCompletion } from "./completion/command.js";
import { registerDiscover } from "./discover/command.js";
import { registerInit } from "./init/command.js";
import { registerDrift } from "./drift/command.js";
import { registerRotation } from "./rotation/command.js";
import { registerSecret } from "./secret/command.js";
import { registerPlan, registerStacks } from "./plan/command.js";
import { registerReport } from "./report/command.js";
import { registerSummary } from "./validate/summary-command.js";
import { registerValidate } from "./validate/command.js";

/**
 * Registers one command (or a family) on the program. Its action loads the implementation only
 * when run, and reports its exit code through `setExit`.
 */
export type RegisterCommand = (
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
) => void;

/** Every command, in `--help` order: adding one is a folder under actions/ and a line here. */
const COMMANDS: readonly RegisterCommand[] = [
  registerValidate,
  registerSummary,
  registerPlan,
  registerStacks,
  registerRotation,
  registerSecret,
  registerDrift,
  registerDiscover,
  registerAudit,
  registerReport,
  registerInit,
  registerBootstrap,
  registerCompletion,
];

/**
 * The `vaultpilot` CLI as a function: parse `argv` (without node and script), run the command,
 * return its exit code (the contract is EXIT in io.ts). A usage error, an unwritable output and
 * any other failure are one line on stderr and exit 2, never a stack trace.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.clean;
  const program = new Command("vaultpilot")
    .description("Secrets as code: validate, plan, deploy, rotate and audit VaultPilot policies.")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // One line, like every other usage error: commander's suggestion joins it.
      outputError: (text, write) =>
        write(
          `vaultpilot: ${text
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " ")} (see --help)\n`,
        ),
    })
    .allowExcessArguments(false);
  const setExit = (code: number) => {
    exitCode = code;
  };
  for (const register of COMMANDS) register(program, io, setExit);
  markRequiredOptions(program);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.clean : EXIT.failed;
    }
    if (error instanceof UsageError || error instanceof OutputError) {
      io.stderr(`vaultpilot: ${error.message}\n`);
      return EXIT.failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`vaultpilot: internal error: ${message.split("\n")[0]}\n`);
    return EXIT.failed;
  }
}

declare const __VAULTPILOT_VERSION__: string | undefined;
const VERSION = typeof __VAULTPILOT_VERSION__ === "string" ? __VAULTPILOT_VERSION__ : "0.0.0-dev";
