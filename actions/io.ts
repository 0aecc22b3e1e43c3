/** Where a command writes; `run` takes one so tests can capture output without a process. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal: colour and progress bars only then. */
  readonly isTTY: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Exit codes mean the same in every command: 0 clean, 1 findings, 2 usage or internal failure.
 * (drift follows its issue instead: 2 drift found, 1 could not check; see its --help.)
 */
export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

/** A mistake in how a command was called: reported as one line, exit 2. */
export class UsageError extends Error {}

export function useColor(io: CliIO): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  return io.isTTY;
}
