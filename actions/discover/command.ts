import type { Command } from "commander";
import type { CliIO } from "../io.js";

export interface DiscoverOptions {
  readonly region: string[];
  readonly out: string;
  readonly policies?: string;
}

export function registerDiscover(program: Command, io: CliIO, setExit: (code: number) => void) {
  program
    .command("discover")
    .description(
      "Find secrets and KMS keys that no policy manages and write policy YAML that adopts them.",
    )
    .option(
      "--region <region>",
      "a region to search; repeat for several (default: $AWS_REGION)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .requiredOption("-o, --out <dir>", "where to write the policy files")
    .option(
      "--policies <dir>",
      "the existing policies: what they declare is skipped, their schedules reused",
    )
    .addHelpText(
      "after",
      `
Searches the account of the current credentials (AWS_ENDPOINT_URL points it at an emulator) with
metadata calls only: ListSecrets and ListAliases pages. It never reads a secret's value.
A secret is a candidate when it is tagged vaultpilot:tenant or named vaultpilot/<tenant>/…; a key
when it has the alias alias/vaultpilot/<tenant>. Tenant from the tag or the name; type from the
vaultpilot:type tag, else guessed from the name (marked "review" in a comment); schedule from the
current rotation rules. What it writes is validated before it exits.

Exit status: 0 written and valid, 1 could not search, or what was written does not validate.`,
    )
    .action(async (options: DiscoverOptions) => {
      const { discoverCommand } = await import("./discover-command.js");
      setExit(await discoverCommand(options, io));
    });
}
