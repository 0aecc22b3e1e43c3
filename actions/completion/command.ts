import type { Command } from "commander";
import { cannotRun, describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import { SHELLS, type Shell } from "./options.js";

export function registerCompletion(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("completion")
    .description("Print shell completion for bash, zsh or fish.")
    .addArgument(program.createArgument("<shell>", "bash, zsh or fish").choices(SHELLS))
    .action(async (shell: Shell) => {
      const { completionScript, describeCommands } = await import("./scripts.js");
      io.stdout(completionScript(shell, describeCommands(program)));
      setExit(0);
    });
  describeCommand(command, {
    about:
      "Install it:\n" +
      "  bash: echo 'source <(vaultpilot completion bash)' >> ~/.bashrc\n" +
      '  zsh:  vaultpilot completion zsh > "${fpath[1]}/_vaultpilot"\n' +
      "  fish: vaultpilot completion fish > ~/.config/fish/completions/vaultpilot.fish",
    exits: { clean: "printed", failed: cannotRun("", { policies: false }) },
  });
}
