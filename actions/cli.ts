import { Command, CommanderError } from "commander";
import { EXIT, UsageError, type CliIO } from "./io.js";
import { registerDiscover } from "./discover/command.js";
import { DRIFT_EXIT, registerDrift } from "./drift/command.js";
import { registerRotation } from "./rotation/command.js";
import { registerPlan, registerStacks } from "./plan/command.js";
import { registerSummary } from "./validate/summary-command.js";
import { registerValidate } from "./validate/command.js";

/** What a command's action reports back: its exit code. */
export type ExitCode = number;

/**
 * The `vaultpilot` CLI as a function: parse `argv` (without node and script), run the command,
 * return its exit code. Command modules register their options here and load their
 * implementation only when run, so `--help` stays fast.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.clean;
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
  const setExit = (code: ExitCode) => {
    exitCode = code;
  };
  registerValidate(program, io, setExit);
  registerSummary(program, io, setExit);
  registerPlan(program, io, setExit);
  registerStacks(program, io, setExit);
  registerRotation(program, io, setExit);
  registerDrift(program, io, setExit);
  registerDiscover(program, io, setExit);
  // drift's 2 means "drift found", so a run that could not even start is its 1: never clean, never drift.
  const failed = argv[0] === "drift" ? DRIFT_EXIT.failed : EXIT.usage;
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.clean : failed;
    }
    if (error instanceof UsageError) {
      io.stderr(`vaultpilot: ${error.message}\n`);
      return failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`vaultpilot: internal error: ${message}\n`);
    return failed;
  }
}

declare const __VAULTPILOT_VERSION__: string | undefined;
const VERSION = typeof __VAULTPILOT_VERSION__ === "string" ? __VAULTPILOT_VERSION__ : "0.0.0-dev";
