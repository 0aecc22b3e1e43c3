import type { Command } from "commander";
import { cannotRun, describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import type { InitOptions } from "./options.js";

export function registerInit(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("init")
    .description(
      "Scaffold a team's policy repository: config, a tenant, a schedule, a secret, a service, the Pulumi program and the workflows.",
    )
    .argument("[dir]", "where to write it (created when missing)", ".")
    .option("--force", "overwrite files that exist already", false)
    .action(async (dir: string, options: InitOptions) => {
      const { initCommand } = await import("./init-command.js");
      setExit(initCommand(dir, options, io));
    });
  describeCommand(command, {
    about:
      "Writes the files of the package's examples/policy-repo, which validate clean; existing files\n" +
      "are left alone unless --force. Then: npm install, npx vaultpilot validate.",
    exits: {
      clean: "written",
      failed: cannotRun("a file exists already (nothing written)", { policies: false }),
    },
  });
}
