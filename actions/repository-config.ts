import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import {
  CONFIG_FILE,
  DEFAULT_CONFIG,
  loadConfig,
  maxWarningsDiagnostic,
  type VaultpilotConfig,
} from "../program/config.js";
import { compareDiagnostics, type Diagnostic } from "../program/diagnostics.js";
import { LOCKED_RULES, ruleIds, type ValidationResult } from "../program/validate.js";
import { UsageError } from "./io.js";

/** The policy repository's config as a command sees it. */
export interface RepositoryConfig {
  readonly config: VaultpilotConfig;
  /** The config file's absolute path; undefined when there is none. */
  readonly path: string | undefined;
  /** The config's problems, `file` absolute (made relative to the policy directory later). */
  readonly diagnostics: readonly Diagnostic[];
  /** The policy directory the config names, relative to the working directory. */
  readonly policies: string;
}

/**
 * Reads `--config <file>` when given (it must exist), else `vaultpilot.config.yaml` in the working
 * directory when present, else the defaults.
 */
export function repositoryConfig(cwd: string, given: string | undefined): RepositoryConfig {
  const path = resolve(cwd, given ?? CONFIG_FILE);
  if (!existsSync(path)) {
    if (given !== undefined) throw new UsageError(`config file "${given}" does not exist`);
    return { config: DEFAULT_CONFIG, path: undefined, diagnostics: [], policies: "policies" };
  }
  const loaded = loadConfig(path, path, { known: ruleIds(), locked: LOCKED_RULES });
  const policies = relative(cwd, resolve(dirname(path), loaded.config.policies)) || ".";
  return { config: loaded.config, path, diagnostics: loaded.diagnostics, policies };
}

/**
 * A validation result with the config's own problems and the maxWarnings verdict added, paths
 * relative to the policy directory `root` like every other diagnostic.
 */
export function withConfigDiagnostics(
  result: ValidationResult,
  repo: RepositoryConfig,
  root: string,
): ValidationResult {
  if (!repo.path) return result;
  const file = relative(root, repo.path).split("\\").join("/");
  const extra = repo.diagnostics.map((d) => ({ ...d, file }));
  const tooMany = maxWarningsDiagnostic(result.diagnostics, repo.config, file);
  if (tooMany) extra.push(tooMany);
  if (extra.length === 0) return result;
  // Errors in the config fail the run: the result carries no model, as for policy errors.
  const diagnostics = [...result.diagnostics, ...extra].sort(compareDiagnostics);
  return {
    files: result.files,
    diagnostics,
    suppressed: result.suppressed,
    documents: result.documents,
    policies: result.policies,
  };
}
