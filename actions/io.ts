import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Where a command writes; `run` takes one so tests can capture output without a process. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal: colour and progress bars only then. */
  readonly isTTY: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** All of standard input, for commands that read a secret from it. @default - process.stdin */
  readonly stdin?: () => Promise<string>;
}

/**
 * The exit-status contract of every command, as the README's "Exit status" table states it
 * (scripts and the GitHub Action depend on it):
 *
 * - `clean` 0: done; no errors, no drift.
 * - `findings` 1: the command ran and the answer is "no": the policies have errors, the cloud has
 *   drifted, a stack matrix leaves a tenant out, a rotation failed and was rolled back.
 * - `failed` 2: the command could not run or could not check: a usage error, a policy directory
 *   that is missing or holds no policy files, credentials refused, an endpoint unreachable, output
 *   that could not be written, an internal error. Never reported as clean.
 * - `busy` 75: rotate or rollback found another run's live claim on the secret; nothing changed,
 *   try again later (EX_TEMPFAIL of sysexits.h, so schedulers can tell it from a failure).
 *
 * A process whose standard output is closed by its reader (`| head`) ends quietly with 141
 * (128 + SIGPIPE), as Unix tools do; that is the launcher's business, not a command's.
 */
export const EXIT = { clean: 0, findings: 1, failed: 2, busy: 75 } as const;

/** A mistake in how a command was called, or an input it cannot run on: one line, exit 2. */
export class UsageError extends Error {}

/** Output that could not be written (a full disk, a missing folder): one line, exit 2. */
export class OutputError extends Error {}

/** One line for a failed write: `no space left on device (ENOSPC)`. */
export function writeFailure(error: unknown): string {
  const code = typeof error === "object" && error && "code" in error ? String(error.code) : "";
  const reasons: Record<string, string> = {
    ENOSPC: "no space left on device",
    EDQUOT: "disk quota exceeded",
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOENT: "no such directory",
    EROFS: "read-only file system",
    EISDIR: "is a directory",
    ENOTDIR: "a part of the path is not a directory",
    EIO: "input/output error",
  };
  if (reasons[code]) return `${reasons[code]} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? code;
}

/**
 * Writes a whole file or nothing: the text goes to a temporary file beside it, which then
 * replaces `path` (rename is atomic within a file system), so a full disk never leaves half a
 * file behind. Throws OutputError with one line that names the file.
 */
export function writeFileWhole(path: string, text: string, shown = path): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: "wx" });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new OutputError(`cannot write ${shown}: ${writeFailure(error)}`);
  }
}
