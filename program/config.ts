import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import configSchema from "../schemas/config.schema.json" with { type: "json" };
import type { Diagnostic, Severity } from "./diagnostics.js";
import { parsePolicyText, type LoadedDocument } from "./load/load-policies.js";
import { closest } from "./did-you-mean.js";
import { schemaErrors } from "./schema-check.js";

/** The config file's name, looked for at the policy repository's root (the working directory). */
export const CONFIG_FILE = "vaultpilot.config.yaml";

/** What a rule id may be set to in `rules:`. */
export type RuleSetting = "off" | Severity;

/** `vaultpilot.config.yaml` (schema: schemas/config.schema.json), with its defaults applied. */
export interface VaultpilotConfig {
  /** The policy directory, relative to the config file. @default "policies" */
  readonly policies: string;
  /** Severity per rule id. @default {} - every rule at its own severity */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  /** The most warnings validation accepts. @default - no limit */
  readonly maxWarnings?: number;
  /** Where `maxWarnings` is written, for the diagnostic when it is exceeded. */
  readonly maxWarningsAt?: { readonly line: number; readonly column: number };
}

export const DEFAULT_CONFIG: VaultpilotConfig = { policies: "policies", rules: {} };

/** What config problems and the warnings limit are reported as. */
export const CONFIG_RULES = [
  {
    id: "config",
    severity: "error",
    description:
      "vaultpilot.config.yaml must match schemas/config.schema.json and name only VaultPilot's rules.",
  },
  {
    id: "max-warnings",
    severity: "error",
    description: "Validation may report at most the config's maxWarnings warnings.",
  },
] as const;

export interface LoadedConfig {
  /** The defaults where the file is absent or has errors (a config that is half applied misleads). */
  readonly config: VaultpilotConfig;
  /** Problems in the file, `file` as given to `loadConfig`. */
  readonly diagnostics: Diagnostic[];
}

let validator: ValidateFunction | undefined;

/**
 * Reads and checks a config file. `rules` is what rule ids exist and which of them may not be
 * lowered (`locked`: rules that reject a whole document). Never throws for bad input: every
 * problem is a diagnostic at the file's line and column.
 */
export function loadConfig(
  path: string,
  file: string,
  rules: { readonly known: readonly string[]; readonly locked: ReadonlySet<string> },
): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      config: DEFAULT_CONFIG,
      diagnostics: [problem(file, { line: 1, column: 1 }, `cannot read the config (${reason})`)],
    };
  }
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  parsePolicyText(file, text, documents, diagnostics);
  // An empty config file is the defaults, not a mistake.
  const found = diagnostics
    .filter((d) => d.rule !== "empty-file")
    .map((d) => ({ ...d, rule: "config" }));
  if (documents.length > 1) {
    const extra = documents[1]!.source.at();
    found.push(
      problem(file, extra, "the config holds more than one document; keep one, without `---`"),
    );
  }
  const document = documents[0];
  if (found.length > 0 || !document) {
    return { config: DEFAULT_CONFIG, diagnostics: found };
  }
  validator ??= new Ajv2020({ allErrors: true, strict: true, verbose: true }).compile(configSchema);
  found.push(...schemaErrors(validator, document, "config"));
  const value = document.value as {
    policies?: string;
    rules?: Record<string, RuleSetting>;
    maxWarnings?: number;
  };
  for (const [id, setting] of Object.entries(value.rules ?? {})) {
    if (!rules.known.includes(id)) {
      const suggestion = closest(id, rules.known);
      const fix = suggestion ? `did you mean "${suggestion}"?` : "use a rule id a diagnostic shows";
      found.push(
        problem(
          file,
          document.source.at(["rules", id], "key"),
          `rules: "${id}" is not a VaultPilot rule; ${fix}`,
        ),
      );
    } else if (rules.locked.has(id) && setting !== "error") {
      found.push(
        problem(
          file,
          document.source.at(["rules", id]),
          `rules.${id}: "${setting}" is not allowed; the stack cannot be built from what "${id}" reports, so it stays an error: remove this line`,
        ),
      );
    }
  }
  if (found.length > 0) return { config: DEFAULT_CONFIG, diagnostics: found };
  return {
    config: {
      policies: value.policies ?? DEFAULT_CONFIG.policies,
      rules: value.rules ?? {},
      ...(value.maxWarnings !== undefined && {
        maxWarnings: value.maxWarnings,
        maxWarningsAt: document.source.at(["maxWarnings"]),
      }),
    },
    diagnostics: [],
  };
}

/** Drops the diagnostics of rules set to "off" and gives the others their configured severity. */
export function applyRuleSettings(
  diagnostics: readonly Diagnostic[],
  rules: Readonly<Record<string, RuleSetting>>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const setting = Object.hasOwn(rules, d.rule) ? rules[d.rule] : undefined;
    if (setting === "off") continue;
    out.push(setting && setting !== d.severity ? { ...d, severity: setting } : d);
  }
  return out;
}

/** The error when warnings exceed `maxWarnings`, at that key of the config; none otherwise. */
export function maxWarningsDiagnostic(
  diagnostics: readonly Diagnostic[],
  config: VaultpilotConfig,
  file: string,
): Diagnostic | undefined {
  if (config.maxWarnings === undefined) return undefined;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  if (warnings <= config.maxWarnings) return undefined;
  return {
    ...problem(
      file,
      config.maxWarningsAt ?? { line: 1, column: 1 },
      `${warnings} warnings, more than maxWarnings (${config.maxWarnings}) allows; fix or suppress some, or raise maxWarnings`,
    ),
    rule: "max-warnings",
  };
}

function problem(
  file: string,
  at: { readonly line: number; readonly column: number },
  message: string,
): Diagnostic {
  return { file, line: at.line, column: at.column, severity: "error", rule: "config", message };
}
