import { Option, type Command } from "commander";
import { describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import type { DiscoverOptions } from "./options.js";

export function registerDiscover(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("discover")
    .description(
      "Find secrets and KMS keys that no policy manages and write policy YAML that adopts them.",
    )
    .addOption(
      new Option("--region <region>", "a region to search; repeat for several")
        .argParser((value: string, previous: string[]) => [...previous, value])
        .default([], "$AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1"),
    )
    .requiredOption("-o, --out <dir>", "where to write the policy files")
    .option("--force", "replace files that already exist in --out")
    .option(
      "--policies <dir>",
      "the existing policies: what they declare is skipped, their schedules reused",
    )
    .action(async (options: DiscoverOptions) => {
      const { discoverCommand } = await import("./discover-command.js");
      setExit(await discoverCommand(options, io));
    });
  describeCommand(command, {
    about: `
Searches the account of the current credentials with metadata calls only: ListSecrets and
ListAliases pages. It never reads a secret's value. A secret is a candidate when it is tagged
vaultpilot:tenant or named vaultpilot/<tenant>/…; a key when it has the alias
alias/vaultpilot/<tenant>. Tenant from the tag or the name; type from the vaultpilot:type tag,
else guessed from the name (marked "review" in a comment); schedule from the current rotation
rules. What it writes is validated, with --policies when given, before it exits.

It never replaces a file in --out without --force, and writes nothing when the files would
conflict with the policies already in --out or --policies (a tenant, secret or schedule declared
twice); nothing is half-written.`,
    aws: { regions: "environment", serviceEndpoints: true },
    exits: {
      clean: "written, and it validates",
      findings: "written, but it does not validate (the errors are listed)",
      failed:
        "could not run: usage error, a file in --out exists (without --force), the result would conflict with existing policies, credentials refused, endpoint unreachable, output not written",
    },
  });
}
