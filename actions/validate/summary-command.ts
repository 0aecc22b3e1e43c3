import type { Command } from "commander";
import type { CliIO } from "../io.js";

export function registerSummary(program: Command, io: CliIO, setExit: (code: number) => void) {
  program
    .command("summary")
    .description(
      "Validate the policies, then print each tenant's plan, secrets, services, rotations per month and headroom.",
    )
    .argument("[dir]", "the policy directory", "policies")
    .addHelpText(
      "after",
      "\nExit status: 0 policies valid, 1 errors found (listed instead of the table), 2 usage error.",
    )
    .action(async (dir: string) => {
      const { summaryCommand } = await import("./tenant-summary.js");
      setExit(summaryCommand(dir, io));
    });
}
