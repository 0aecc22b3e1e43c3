import { readdirSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { POLICY_FILE, SKIPPED_FOLDER } from "../program/load/policy-files.js";
import { UsageError } from "./io.js";

/**
 * The policy directory a command runs on, checked before any work starts: it must exist, be a
 * directory, and hold at least one policy file (`*.yaml` or `*.yml`, where the loader looks).
 * A wrong path is a usage error (exit 2), never "no problems" or "no changes".
 */
export function policyDirectory(cwd: string, given: string): string {
  const path = resolve(cwd, given);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`policy directory "${given}" does not exist`);
  }
  if (!isDirectory) throw new UsageError(`"${given}" is not a directory`);
  if (!holdsPolicyFile(path, new Set())) {
    throw new UsageError(
      `policy directory "${given}" holds no policy files (*.yaml or *.yml); check the path`,
    );
  }
  return path;
}

/** Whether a policy file lies below `dir`, as the loader walks; stops at the first one. */
function holdsPolicyFile(dir: string, seen: Set<string>): boolean {
  let names: string[];
  try {
    const real = realpathSync(dir);
    // A link back to a folder being walked: the loader reports the loop.
    if (seen.has(real)) return false;
    seen.add(real);
    names = readdirSync(dir);
  } catch {
    // Unreadable: the loader reports it as a diagnostic, so this is not "empty".
    return true;
  }
  const folders: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      // A dangling link named like a policy file is a diagnostic for the loader.
      if (POLICY_FILE.test(name)) return true;
      continue;
    }
    if (stat.isFile() && POLICY_FILE.test(name)) return true;
    if (stat.isDirectory() && !SKIPPED_FOLDER.test(name)) folders.push(path);
  }
  return folders.some((folder) => holdsPolicyFile(folder, seen));
}
