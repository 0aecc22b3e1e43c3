import { Option, type Command } from "commander";
import { describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import { BOOTSTRAP_FORMATS, type BootstrapOptions } from "./options.js";

export function registerBootstrap(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("bootstrap")
    .description(
      "Print the CloudFormation template that creates a tenant's deploy role in its account (the role the stack assumes, which the stack cannot create).",
    )
    .argument("[dir]", "the policy directory", "policies")
    .requiredOption("--tenant <name>", "the tenant whose account gets the role")
    .option(
      "--stack <name>",
      "read vaultpilot:deployRoleName, vaultpilot:installation and vaultpilot:deployCiRoleArn from Pulumi.<name>.yaml",
    )
    .option(
      "--ci-role-arn <arn>",
      "the role the deploy workflow runs as, the one principal the deploy role trusts (default: the stack's vaultpilot:deployCiRoleArn)",
    )
    .addOption(
      new Option(
        "--installation <id>",
        "names this installation in the tenant's ExternalId (default: the stack's vaultpilot:installation, else \"default\")",
      ).env("VAULTPILOT_INSTALLATION"),
    )
    .addOption(
      new Option("-f, --format <format>", "template format")
        .choices(BOOTSTRAP_FORMATS)
        .default("yaml"),
    )
    .action(async (dir: string, options: BootstrapOptions) => {
      const { bootstrapCommand } = await import("./bootstrap-command.js");
      setExit(bootstrapCommand(dir, options, io));
    });
  describeCommand(command, {
    about: `
The template makes one IAM role, named as the stack's vaultpilot:deployRoleName (default
vaultpilot-deployer), in the tenant's account (a rule refuses any other account). It trusts only
the CI's role, only with the tenant's ExternalId: vp- and 40 hex characters of SHA-256 over the
installation and the tenant, the same on every deploy (printed as the stack output ExternalId),
and allows sessions of at most one hour. Deploy it once per account (--ci-role-arn, or a stack
whose vaultpilot:deployCiRoleArn names the CI's role):
  vaultpilot bootstrap --tenant acme --ci-role-arn arn:aws:iam::999999999999:role/ci > deploy-role.yaml
  aws cloudformation deploy --stack-name vaultpilot-bootstrap --template-file deploy-role.yaml \\
    --capabilities CAPABILITY_NAMED_IAM
Calls no AWS API itself.`,
    exits: {
      clean: "printed",
      findings: "the policies do not validate",
      failed:
        "usage error: no such tenant, no CI role given, missing or empty policy directory, unknown stack",
    },
  });
}
