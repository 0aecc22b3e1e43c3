import type { DriftFormat } from "../options.js";
import type { DriftResult, Locate } from "../result.js";
import { formatJson } from "./json.js";
import { formatMarkdown } from "./markdown.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

/** What every drift format gets: the result, and how to show it. */
export interface DriftRendering {
  readonly result: DriftResult;
  readonly color: boolean;
  /** Where a finding's resource is declared in the policies, paths from the working directory. */
  readonly locate: Locate;
  /** The policy directory from the working directory: where a finding no policy declares points. */
  readonly policyDir: string;
}

/** drift's formats by name: adding one is a module in this folder and a line here. */
export const DRIFT_FORMATTERS: Readonly<
  Record<DriftFormat, (rendering: DriftRendering) => string>
> = {
  text: ({ result, color }) => formatText(result, { color }),
  json: ({ result }) => formatJson(result),
  markdown: ({ result }) => formatMarkdown(result),
  sarif: ({ result, locate, policyDir }) => formatSarif(result, locate, policyDir),
};
