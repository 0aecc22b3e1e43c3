import { Option, type Command } from "commander";
import type { PlanCommentOptions } from "../github/plan-comment-command.js";
import { cannotRun, describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import { PLAN_FORMATS, STACKS_FORMATS, type PlanOptions, type StacksOptions } from "./options.js";

/** Registers `plan` and `plan-comment`. */
export function registerPlan(program: Command, io: CliIO, setExit: (code: number) => void) {
  registerPlanCommand(program, io, setExit);
  registerPlanComment(program, io, setExit);
}

function registerPlanCommand(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
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
    .option(
      "--full",
      "with --base, run the program for every tenant, not only those whose policies changed",
    )
    .addOption(
      new Option("-f, --format <format>", "output format").choices(PLAN_FORMATS).default("text"),
    )
    .action(async (dir: string | undefined, options: PlanOptions) => {
      const { planCommand } = await import("./plan-command.js");
      setExit(await planCommand(dir, options, io));
    });
  describeCommand(command, {
    about:
      'json prints {resources:[{urn,type,name,parent,inputs}], changes:{create,update,delete}, impact}; secret inputs show as "[secret]".\n' +
      "markdown prints a pull-request comment: summary table, impact, Mermaid graph, collapsed details.\n" +
      "Needs no cloud credentials: the program runs under Pulumi's mocks.\n" +
      "With --base, only tenants whose policies differ (or that use a changed schedule) are planned, the rest reported\n" +
      "unchanged; every tenant when Pulumi.<stack>.yaml, Pulumi.yaml, the program or VaultPilot's version changed, or with --full.",
    exits: {
      clean: "planned",
      findings: "the policies do not validate",
      failed: cannotRun("a stack file with an unknown setting, a --base that git cannot read"),
    },
  });
}

export function registerStacks(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("stacks")
    .description(
      "List the Pulumi stacks (Pulumi.<stack>.yaml) and the tenants each owns: the deploy matrix.",
    )
    .option("--project <dir>", "the Pulumi project directory", ".")
    .addOption(
      new Option("-f, --format <format>", "output format").choices(STACKS_FORMATS).default("text"),
    )
    .action(async (options: StacksOptions) => {
      const { stacksCommand } = await import("./stacks-command.js");
      setExit(stacksCommand(options, io));
    });
  describeCommand(command, {
    about:
      'json prints {"include":[{"stack","region","policyDir","tenants":[...]}]}, for a GitHub Actions matrix.',
    exits: {
      clean: "every tenant belongs to exactly one stack",
      findings: "a tenant belongs to no stack or to two, or a stack's policies do not validate",
      failed: cannotRun("a stack file with an unknown setting"),
    },
  });
}

export function registerPlanComment(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
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
    .option(
      "--author <login>",
      "the login the token posts as (default: GET /user; under Actions, github-actions[bot])",
    )
    .action(async (options: PlanCommentOptions) => {
      const { planCommentCommand } = await import("../github/plan-comment-command.js");
      setExit(await planCommentCommand(options, io));
    });
  describeCommand(command, {
    about:
      "Updates only a comment this token's identity wrote; comments by others that carry the marker are left alone.\n" +
      "Needs GITHUB_TOKEN; GITHUB_API_URL overrides the API address (default https://api.github.com).",
    exits: {
      clean: "comment posted, updated, or not needed (no changes)",
      failed: cannotRun("GITHUB_TOKEN missing, a plan file unreadable, GitHub refused", {
        policies: false,
      }),
    },
  });
}
