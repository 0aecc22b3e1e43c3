import { statSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "./io.js";

/** The policy directory a command runs on, checked before any work starts. */
export function policyDirectory(cwd: string, given: string): string {
  const path = resolve(cwd, given);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`policy directory "${given}" does not exist`);
  }
  if (!isDirectory) throw new UsageError(`"${given}" is not a directory`);
  return path;
}
