import { Option, type Command } from "commander";
import type { PlanCommentOptions } from "../github/plan-comment-command.js";
import type { CliIO } from "../io.js";

export const PLAN_FORMATS = ["text", "json", "markdown"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface PlanOptions {
  readonly format: PlanFormat;
  readonly base?: string;
  readonly stack?: string;
  readonly project: string;
}

/** Registers `plan` and `plan-comment`. */
export function registerPlan(program: Command, io: CliIO, setExit: (code: number) => void) {
  registerPlanCommand(program, io, setExit);
  registerPlanComment(program, io, setExit);
}

function registerPlanCommand(program: Command, io: CliIO, setExit: (code: number) => void) {
  program
    .command("plan")
    .description(
      "Run the Pulumi program offline (no Pulumi CLI, no cloud credentials) and print the resources the policies produce; with --base, what changes and its impact.",
    )
    .argument(
      "[dir]",
      "the policy directory (default: the stack's vaultpilot:policyDir, else policies)",
    )
    .option(
      "--base <git-ref>",
      "compare with the policies as committed at this ref (e.g. HEAD, origin/main)",
    )
    .option(
      "--stack <name>",
      "plan this stack's tenants and settings (Pulumi.<name>.yaml); default: every tenant",
    )
    .option("--project <dir>", "the Pulumi project directory holding Pulumi.<stack>.yaml", ".")
    .addOption(
      new Option("-f, --format <format>", "output format").choices(PLAN_FORMATS).default("text"),
    )
    .addHelpText(
      "after",
      "\nExit status: 0 planned, 1 the policies do not validate, 2 usage error.\n" +
        'json prints {resources:[{urn,type,name,parent,inputs}], changes:{create,update,delete}, impact}; secret inputs show as "[secret]".\n' +
        "markdown prints a pull-request comment: summary table, impact, Mermaid graph, collapsed details.",
    )
    .action(async (dir: string | undefined, options: PlanOptions) => {
      const { planCommand } = await import("./plan-command.js");
      setExit(await planCommand(dir, options, io));
    });
}

export function registerStacks(program: Command, io: CliIO, setExit: (code: number) => void) {
  program
    .command("stacks")
    .description(
      "List the Pulumi stacks (Pulumi.<stack>.yaml) and the tenants each owns: the deploy matrix.",
    )
    .option("--project <dir>", "the Pulumi project directory", ".")
    .addOption(
      new Option("-f, --format <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .addHelpText(
      "after",
      '\njson prints {"include":[{"stack","region","policyDir","tenants":[...]}]}, for a GitHub Actions matrix.\n' +
        "Exit status: 1 when a tenant belongs to no stack or to two, or the policies do not validate.",
    )
    .action(async (options: { project: string; format: "text" | "json" }) => {
      const { stacksCommand } = await import("./stacks-command.js");
      setExit(stacksCommand(options, io));
    });
}

export function registerPlanComment(program: Command, io: CliIO, setExit: (code: number) => void) {
  program
    .command("plan-comment")
    .description(
      "Post a stack's plan on a pull request as one comment, updated in place on each push (for the deploy workflow).",
    )
    .requiredOption(
      "--stack <name>",
      "the stack the plan is for (names the comment's hidden marker)",
    )
    .requiredOption("--markdown <file>", "`vaultpilot plan --format markdown` output")
    .requiredOption(
      "--json <file>",
      "`vaultpilot plan --format json` output (tells whether anything changes)",
    )
    .requiredOption("--pr <number>", "the pull request number")
    .option("--repo <owner/name>", "the repository (default: $GITHUB_REPOSITORY)")
    .requiredOption(
      "--full-plan-url <url>",
      "where the full plan is when the comment must be trimmed",
    )
    .option(
      "--mask <ENV_NAME...>",
      "environment variables whose values are masked in the comment",
      [] as string[],
    )
    .addHelpText("after", "\nNeeds GITHUB_TOKEN; GITHUB_API_URL overrides the API address.")
    .action(async (options: PlanCommentOptions) => {
      const { planCommentCommand } = await import("../github/plan-comment-command.js");
      setExit(await planCommentCommand(options, io));
    });
}
