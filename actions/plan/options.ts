/** The names of plan's output formats; each has its formatter in formats/index.ts. */
export const PLAN_FORMATS = ["text", "json", "markdown"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface PlanOptions {
  readonly format: PlanFormat;
  readonly base?: string;
  readonly stack?: string;
  readonly project: string;
  /** With --base, plan every tenant rather than those whose policies changed. */
  readonly full?: boolean;
}

/** The names of stacks' output formats. */
export const STACKS_FORMATS = ["text", "json"] as const;
export type StacksFormat = (typeof STACKS_FORMATS)[number];

export interface StacksOptions {
  readonly project: string;
  readonly format: StacksFormat;
}
