import type { PlanFormat } from "../options.js";
import type { PlanResult } from "../plan-result.js";
import { formatJson } from "./json.js";
import { formatMarkdown } from "./markdown.js";
import { formatText } from "./text.js";

/** What every plan format gets: the result, and whether to colour it. */
export interface PlanRendering {
  readonly result: PlanResult;
  readonly color: boolean;
}

/** plan's formats by name: adding one is a module in this folder and a line here. */
export const PLAN_FORMATTERS: Readonly<Record<PlanFormat, (rendering: PlanRendering) => string>> = {
  text: ({ result, color }) => formatText(result, { color }),
  json: ({ result }) => formatJson(result),
  markdown: ({ result }) => formatMarkdown(result),
};
