import { run } from "../../actions/cli.js";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, capturing what it writes. */
export async function runCli(
  argv: readonly string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    isTTY?: boolean;
    /** Standard input's whole text. @default - none: reading it fails the test */
    stdin?: string;
  } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: options.isTTY ?? false,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    stdin: async () => {
      if (options.stdin === undefined) throw new Error("this test gives the command no stdin");
      return options.stdin;
    },
  });
  return { code, stdout, stderr };
}
