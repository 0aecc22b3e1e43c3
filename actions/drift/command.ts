import { Option, type Command } from "commander";
import { describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import { DRIFT_FORMATS, type DriftOptions } from "./options.js";
import { registerDriftIssue } from "./issue-command.js";

export function registerDrift(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("drift")
    .description(
      "Compare the live AWS state with the policies: secrets, their keys, rotation, tags, and secrets no policy declares.",
    )
    .argument("[dir]", "the policy directory", "policies")
    .option("--stack <name>", "check only the tenants of this stack (see `vaultpilot stacks`)")
    .option(
      "--deep",
      "also run the checks that cost one AWS call per secret: each secret's resource policy (GetResourcePolicy)",
      false,
    )
    .addOption(
      new Option("-f, --format <format>", "output format").choices(DRIFT_FORMATS).default("text"),
    )
    .option(
      "--grace <hours>",
      "hours past schedule + window before a rotation counts as overdue",
      "24",
    )
    .option(
      "--stuck-after <hours>",
      "hours after which an AWSPENDING version counts as a stuck rotation",
      "24",
    )
    .option("--at <time>", "evaluate the checks as of this ISO 8601 time instead of now")
    .option("--concurrency <n>", "AWS calls in flight at once", "8")
    .addOption(
      new Option(
        "--installation <id>",
        "names this installation in each tenant's ExternalId (default: the stack's vaultpilot:installation, else \"default\")",
      ).env("VAULTPILOT_INSTALLATION"),
    )
    .option(
      "--no-assume-role",
      "use the current credentials in every account instead of assuming vaultpilot-drift-reader-<tenant>",
    )
    .option(
      "-o, --out <file>",
      "also write the JSON result to this file (for the workflow's artifact)",
    )
    .option(
      "--notify",
      "tell each tenant's notification routes (spec.notifications): drift found, drift resolved, rotation off or overdue",
    )
    .action(async (dir: string, options: DriftOptions) => {
      const { driftCommand } = await import("./drift-command.js");
      setExit(await driftCommand(dir, options, io));
    });
  describeCommand(command, {
    about: `
Reads with metadata calls only (never a secret's value): ListSecrets pages, ListAliases pages,
DescribeKey and GetKeyRotationStatus per tenant key, ListSecretVersionIds only for a secret with a
rotation in progress. In each tenant account it assumes the role vaultpilot-drift-reader-<tenant>
with an ExternalId derived from the tenant and --installation. The SDK's adaptive retry mode
absorbs throttling.

Checks per secret: exists; encrypted with its tenant's key; rotation enabled, on the policy's
schedule, by the expected function; tags; last rotation not overdue (schedule + window + --grace);
no AWSPENDING older than --stuck-after. Per tenant key: alias present, enabled, rotation on, not
pending deletion. Unmanaged: secrets tagged vaultpilot:tenant or named vaultpilot/… that no policy
declares. --deep adds one call per secret: its resource policy must deny other tenants.

json prints {findings:[{tenant,resource,check,expected,actual,severity}], summary:{…}}.`,
    aws: { regions: "policies", serviceEndpoints: true },
    exits: {
      clean: "no drift",
      findings: "drift found",
      failed:
        "could not check: usage error, missing or empty policy directory, policies that do not validate, credentials refused, endpoint unreachable, throttled past retries, output not written; never reported as no drift",
    },
  });
  registerDriftIssue(program, io, setExit);
}
