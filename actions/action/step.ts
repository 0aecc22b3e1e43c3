import type { ActionInputs } from "./inputs.js";
import type { Masker } from "./mask.js";

type Env = Readonly<Record<string, string | undefined>>;

/** What one command of the action produced: action.yml's outputs and the job summary. */
export interface StepResult {
  /** The command's exit code, with the CLI's meaning: 0 clean, 1 findings (drift found), 2 could not run. */
  readonly exitCode: number;
  readonly errors: number;
  readonly warnings: number;
  /** validate: diagnostics; plan: resource changes; drift: findings. */
  readonly findings: number;
  /** Absolute paths of the files written, "" when none. */
  readonly sarifFile: string;
  readonly reportFile: string;
  /** Markdown for the job summary (the runner allows 1 MiB per step). */
  readonly summary: string;
  /** Why the step fails; undefined when it passes. */
  readonly failure: string | undefined;
}

/** What a command needs: its inputs, where to write, the CLI, and the masker for everything it writes. */
export interface StepContext {
  readonly inputs: ActionInputs;
  readonly env: Env;
  /** The working directory (GITHUB_WORKSPACE joined with the working-directory input). */
  readonly cwd: string;
  /** `<cwd>/.vaultpilot/`, created. */
  readonly outDir: string;
  readonly masker: Masker;
  /** Prints to the step's log (workflow commands included), masked. */
  readonly log: (text: string) => void;
  /** Writes a file masked, returns its absolute path. */
  readonly writeFile: (name: string, text: string) => string;
  /** Runs the `vaultpilot` CLI in this process; stderr goes to the log as it comes. */
  readonly cli: (argv: readonly string[], env?: Env) => Promise<{ code: number; stdout: string }>;
}
