import type { Command } from "commander";
import { cannotRun, describeCommand } from "../help.js";
import type { CliIO } from "../io.js";

export function registerSummary(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("summary")
    .description(
      "Validate the policies, then print each tenant's plan, secrets, services, rotations per month and headroom.",
    )
    .argument("[dir]", "the policy directory", "policies")
    .action(async (dir: string) => {
      const { summaryCommand } = await import("./tenant-summary.js");
      setExit(summaryCommand(dir, io));
    });
  describeCommand(command, {
    exits: {
      clean: "policies valid",
      findings: "errors found (listed instead of the table)",
      failed: cannotRun(),
    },
  });
}
