import { run } from "./cli.js";
import { EXIT, writeFailure } from "./io.js";

/** 128 + SIGPIPE (13): how a shell reports a writer whose reader went away. */
const CLOSED_PIPE = 141;

/**
 * A write to stdout or stderr that fails ends the process with one line, never a stack trace:
 * a closed pipe (`vaultpilot plan --format json | head`) quietly, as Unix tools do; anything else
 * (a full disk: ENOSPC) with one line on stderr and exit 2. Node reports these as the stream's
 * 'error' event, after the write returned.
 */
function endOnWriteFailure(stream: NodeJS.WriteStream, name: string): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(CLOSED_PIPE);
    if (stream !== process.stderr) {
      try {
        process.stderr.write(`vaultpilot: cannot write ${name}: ${writeFailure(error)}\n`);
      } catch {
        // stderr is gone too: the exit status says it.
      }
    }
    process.exit(EXIT.failed);
  });
}

endOnWriteFailure(process.stdout, "standard output");
endOnWriteFailure(process.stderr, "standard error");

const code = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
