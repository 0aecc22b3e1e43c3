import type { Command } from "commander";
import { EXIT } from "./io.js";

/**
 * The parts of `--help` every command shares, written once: the exit statuses (the contract of
 * EXIT in io.ts, in each command's words) and the AWS configuration a command honours.
 */

/** What each exit status means for one command; 0 and 2 are always there. */
export interface ExitHelp {
  readonly clean: string;
  readonly findings?: string;
  readonly failed: string;
  readonly busy?: string;
}

/** The AWS configuration a command that calls AWS honours. */
export interface AwsHelp {
  /**
   * Where its regions come from: `environment` AWS_REGION / AWS_DEFAULT_REGION (rotate,
   * versions, rollback, discover); `policies` each tenant's spec.aws.region (drift).
   */
  readonly regions: "environment" | "policies";
  /** Whether AWS_ENDPOINT_URL_<SERVICE> is read before AWS_ENDPOINT_URL. */
  readonly serviceEndpoints: boolean;
}

/** Lines of at most `width` characters (one-space separated words), each after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line].join("\n");
}

/** The exit-status block: one status a line, its number first. */
export function exitStatusHelp(exits: ExitHelp): string {
  const rows: [number, string | undefined][] = [
    [EXIT.clean, exits.clean],
    [EXIT.findings, exits.findings],
    [EXIT.failed, exits.failed],
    [EXIT.busy, exits.busy],
  ];
  return [
    "Exit status:",
    ...rows
      .filter(([, text]) => text)
      .map(([code, text]) => `  ${code}  ${wrap(text!, 95, "     ")}`),
  ].join("\n");
}

/** The AWS SDK configuration a command reads, from its environment and ~/.aws. */
export function awsHelp(aws: AwsHelp): string {
  return [
    "AWS configuration (the AWS SDK's standard settings):",
    "  credentials   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; else AWS_PROFILE,",
    "                ~/.aws/credentials and ~/.aws/config, web identity (AWS_ROLE_ARN,",
    "                AWS_WEB_IDENTITY_TOKEN_FILE), the container or instance role",
    aws.regions === "environment"
      ? "  region        AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region"
      : "  region        each tenant's spec.aws.region in the policies",
    ...(aws.serviceEndpoints
      ? [
          "  endpoint      AWS_ENDPOINT_URL_<SERVICE> (such as AWS_ENDPOINT_URL_SECRETS_MANAGER), else",
          "                AWS_ENDPOINT_URL: an emulator such as moto",
        ]
      : ["  endpoint      AWS_ENDPOINT_URL: an emulator such as moto"]),
  ].join("\n");
}

/**
 * Adds the shared sections after a command's own help text: what it says about itself, then
 * the AWS configuration it honours, then its exit statuses.
 */
export function describeCommand(
  command: Command,
  help: { readonly about?: string; readonly aws?: AwsHelp; readonly exits: ExitHelp },
): Command {
  const sections = [
    ...(help.about ? [help.about.trim()] : []),
    ...(help.aws ? [awsHelp(help.aws)] : []),
    exitStatusHelp(help.exits),
  ];
  return command.addHelpText("after", `\n${sections.join("\n\n")}`);
}

/** Exit 2 in a command's words: what every command shares, and what else makes it fail. */
export function cannotRun(also = "", options: { readonly policies?: boolean } = {}): string {
  return [
    "could not run: usage error",
    ...(options.policies === false ? [] : ["missing or empty policy directory"]),
    ...(also ? [also] : []),
    "output not written, internal error",
  ].join(", ");
}

/**
 * Marks every required option "(required)" in `--help` (commander shows required options like
 * any other). Run once over the whole program after every command is registered.
 */
export function markRequiredOptions(program: Command): void {
  for (const command of [program, ...program.commands]) {
    for (const option of command.options) {
      if (option.mandatory && !option.description.endsWith("(required)"))
        option.description = `${option.description} (required)`;
    }
  }
}
