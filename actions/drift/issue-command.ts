import type { Command } from "commander";
import { cannotRun, describeCommand } from "../help.js";
import type { CliIO } from "../io.js";

/** `vaultpilot drift-issue`: what the drift workflow runs after drift, to open, update or close the stack's issue. */
export function registerDriftIssue(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("drift-issue")
    .description(
      "Open, update or close the GitHub issue that tracks one stack's drift (used by the drift workflow).",
    )
    .requiredOption("--stack <name>", "the stack the drift result is for")
    .requiredOption("--result <file>", "the JSON written by `vaultpilot drift --out`")
    .option("--repo <owner/name>", "the repository (default: $GITHUB_REPOSITORY)")
    .option("--run-url <url>", "a link to the workflow run, put in the issue")
    .option(
      "--mask <env...>",
      "environment variables whose values are replaced by *** in what is posted (Actions does not mask API posts)",
    )
    .action(
      async (options: {
        stack: string;
        result: string;
        repo?: string;
        runUrl?: string;
        mask?: string[];
      }) => {
        const { driftIssueCommand } = await import("../github/drift-issue.js");
        setExit(await driftIssueCommand(options, io));
      },
    );
  describeCommand(command, {
    about:
      "Needs GITHUB_TOKEN (issues: write). Finds the stack's issue by its labels (vaultpilot-drift and\n" +
      "drift:<stack>) through the Issues API, every page, never the search API. Opens it on drift, updates\n" +
      "it when the findings change, closes it when a run finds none. GITHUB_API_URL sets the API's base URL\n" +
      "(default https://api.github.com).",
    exits: {
      clean: "the issue is opened, updated, closed or already right",
      failed: cannotRun("GITHUB_TOKEN missing, the result file unreadable, GitHub refused", {
        policies: false,
      }),
    },
  });
}
