import { readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../diagnostics.js";

export interface PolicyFile {
  readonly path: string;
  /** Relative to the policy directory, `/`-separated: what diagnostics name. */
  readonly relative: string;
}

/** The names of policy files. */
export const POLICY_FILE = /\.ya?ml$/i;
/** Folders that never hold policies: version control, dependencies, hidden tooling. */
export const SKIPPED_FOLDER = /^(\.|node_modules$)/;

/**
 * Every `*.yaml` / `*.yml` below `root`, in a stable order (names compared by code point,
 * folder by folder). Symbolic links are followed; a link that loops or dangles is reported,
 * not followed, and the walk goes on.
 */
export function listPolicyFiles(root: string): { files: PolicyFile[]; diagnostics: Diagnostic[] } {
  const files: PolicyFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const visit = (dir: string, relative: string, ancestors: ReadonlySet<string>): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort(compareCodePoints);
    } catch (error) {
      diagnostics.push(fileProblem(relative || ".", `cannot read this folder (${reason(error)})`));
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const rel = relative ? `${relative}/${name}` : name;
      let stat;
      try {
        stat = statSync(path);
      } catch (error) {
        if (POLICY_FILE.test(name) || isLinkError(error)) {
          diagnostics.push(fileProblem(rel, linkMessage(error)));
        }
        continue;
      }
      if (stat.isDirectory()) {
        if (SKIPPED_FOLDER.test(name)) continue;
        const real = realpathSync(path);
        if (ancestors.has(real)) {
          diagnostics.push(
            fileProblem(
              rel,
              "symbolic link loops back to a folder that contains it; remove the link",
            ),
          );
          continue;
        }
        visit(path, rel, new Set([...ancestors, real]));
      } else if (stat.isFile() && POLICY_FILE.test(name)) {
        files.push({ path, relative: rel });
      }
    }
  };
  visit(root, "", new Set([realpathSync(root)]));
  return { files, diagnostics };
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isLinkError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ELOOP" || code === "ENOENT";
}

function linkMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ELOOP") return "symbolic link loops back on itself; remove the link";
  if (code === "ENOENT") return "symbolic link points at nothing; remove it or fix its target";
  return `cannot read this file (${reason(error)})`;
}

export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return code ?? (error instanceof Error ? error.message : String(error));
}

export function fileProblem(file: string, message: string): Diagnostic {
  return { file, line: 1, column: 1, severity: "error", rule: "file-unreadable", message };
}
