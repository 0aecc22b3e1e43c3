import {
  existsSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { mkdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Diagnostic } from "../../program/diagnostics.js";
import { parsePolicyText, type LoadedDocument } from "../../program/load/load-policies.js";
import { listPolicyFiles } from "../../program/load/policy-files.js";
import { validateDocuments } from "../../program/validate.js";
import { OutputError, UsageError, writeFailure } from "../io.js";

/** What discover is about to write: file names relative to `out`, and their text. */
export interface PolicyWrite {
  /** The folder, absolute. */
  readonly out: string;
  readonly files: Readonly<Record<string, string>>;
  /** Replace files that exist. @default false */
  readonly force?: boolean;
  /** The existing policy directory given with --policies, absolute. */
  readonly policies?: string;
  /** Paths in messages are relative to this (the working directory). */
  readonly cwd: string;
}

/**
 * Writes discover's policy files into `out`, all or none. Refuses, writing nothing, when a file
 * exists and `force` is not set, or when the new documents would declare a name twice together
 * with the policies already in `out` (and in `policies`): a tenant, schedule, secret or service
 * that exists already would otherwise be left behind as a duplicate.
 */
export function writePolicies(write: PolicyWrite): void {
  const shown = (path: string) => relative(write.cwd, path) || ".";
  if (existsSync(write.out) && !statSync(write.out).isDirectory())
    throw new UsageError(`--out "${shown(write.out)}" is a file, not a folder`);
  const targets = Object.keys(write.files).map((file) => join(write.out, file));
  if (!write.force) {
    const present = targets.filter((path) => existsSync(path));
    if (present.length) {
      throw new UsageError(
        `${shown(present[0]!)}${present.length > 1 ? ` and ${present.length - 1} more file(s)` : ""} already exist; pass --force to replace them (nothing was written)`,
      );
    }
  }
  const conflict = firstConflict(write, new Set(targets), shown);
  if (conflict) {
    throw new UsageError(
      `writing into ${shown(write.out)} would leave a duplicate: ${conflict.file}:${conflict.line}:${conflict.column} ${conflict.message}; adopt into an empty folder, or pass --policies with the folder that holds them so discover skips what they declare (nothing was written)`,
    );
  }
  stageAndRename(write.files, write.out, shown);
}

/** The first duplicate-name diagnostic that involves a new file, with paths from the working directory. */
function firstConflict(
  write: PolicyWrite,
  replaced: ReadonlySet<string>,
  shown: (path: string) => string,
): Diagnostic | undefined {
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  for (const root of [write.out, write.policies]) {
    if (!root || !existsSync(root)) continue;
    for (const file of listPolicyFiles(root).files) {
      if (replaced.has(file.path)) continue;
      const real = realpathSync(file.path);
      if (seen.has(real)) continue;
      seen.add(real);
      let text: string;
      try {
        text = readFileSync(file.path, "utf8");
      } catch {
        continue;
      }
      files.push(shown(file.path));
      parsePolicyText(shown(file.path), text, documents, diagnostics);
    }
  }
  const added = new Set<string>();
  for (const [file, text] of Object.entries(write.files)) {
    const name = shown(join(write.out, file));
    added.add(name);
    files.push(name);
    parsePolicyText(name, text, documents, diagnostics);
  }
  const result = validateDocuments(documents, diagnostics, files);
  return result.diagnostics.find(
    (d) =>
      d.rule === "duplicate-name" &&
      (added.has(d.file) || (d.related ?? []).some((r) => added.has(r.file))),
  );
}

/**
 * Every file goes to a temporary name beside its target first; only when all are written are
 * they renamed into place, so a full disk leaves the folder as it was.
 */
function stageAndRename(
  files: Readonly<Record<string, string>>,
  out: string,
  shown: (path: string) => string,
): void {
  const staged: [string, string][] = [];
  try {
    mkdirSync(out, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      const target = join(out, file);
      mkdirSync(dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.tmp`;
      staged.push([temporary, target]);
      writeFileSync(temporary, text, { flag: "wx" });
    }
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    const where = staged.at(-1)?.[1] ?? out;
    throw new OutputError(
      `cannot write ${shown(where)}: ${writeFailure(error)} (nothing was written)`,
    );
  }
  for (const [temporary, target] of staged) renameSync(temporary, resolve(target));
}
