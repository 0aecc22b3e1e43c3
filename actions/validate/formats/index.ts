import type { ValidationResult } from "../../../program/validate.js";
import type { ValidateFormat } from "../options.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

/** What every validate format gets: the result, and how to show it. */
export interface ValidateRendering {
  readonly result: ValidationResult;
  /** Colour the text (a terminal, or FORCE_COLOR). */
  readonly color: boolean;
  /** A file relative to the policy directory → relative to the working directory (the repository root in CI). */
  readonly pathOf: (file: string) => string;
}

/** validate's formats by name: adding one is a module in this folder and a line here. */
export const VALIDATE_FORMATTERS: Readonly<
  Record<ValidateFormat, (rendering: ValidateRendering) => string>
> = {
  text: ({ result, color }) => formatText(result, { color }),
  json: ({ result }) => formatJson(result),
  github: ({ result, pathOf }) => formatGithub(result, pathOf),
  sarif: ({ result, pathOf }) => formatSarif(result, pathOf),
};
