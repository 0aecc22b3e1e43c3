import { Option, type Command } from "commander";
import { cannotRun, describeCommand } from "../help.js";
import type { CliIO } from "../io.js";
import { REPORT_FORMATS, type ReportOptions } from "./options.js";

const collect = (value: string, previous: readonly string[]) => [
  ...previous,
  ...value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean),
];

export function registerReport(program: Command, io: CliIO, setExit: (code: number) => void) {
  const command = program
    .command("report")
    .description(
      "Compliance report per framework and tenant (SOC 2, ISO 27001, PCI DSS, HIPAA, AWS FSBP) from the policies, the plan, and with --live the cloud and with --events the rotation history.",
    )
    .argument(
      "[dir]",
      "the policy directory (default: the stack's vaultpilot:policyDir, else policies)",
    )
    .addOption(
      new Option(
        "--framework <ids>",
        "soc2, iso27001, pci-dss, hipaa or fsbp; comma-separated or repeated",
      )
        .argParser(collect)
        .default([], "each tenant's declared frameworks plus fsbp"),
    )
    .option("--tenant <names>", "only these tenants; comma-separated or repeated", collect, [])
    .option("--stack <name>", "only this stack's tenants, with its settings (Pulumi.<name>.yaml)")
    .option("--project <dir>", "the Pulumi project directory holding Pulumi.<stack>.yaml", ".")
    .option(
      "--live",
      "add the live checks, read from AWS with the drift reader's metadata calls (never a secret value)",
      false,
    )
    .option(
      "--events <file>",
      "add the history checks, from rotation audit events (JSON Lines, as the rotation function logs them)",
    )
    .option(
      "--since <time>",
      "start of the history period: ISO 8601 time or days back such as 30d",
      "30d",
    )
    .option("--at <time>", "evaluate as of this ISO 8601 time instead of now")
    .option(
      "-f, --format <formats>",
      `${REPORT_FORMATS.join(", ")}; several (comma-separated) need --out`,
      collect,
      [],
    )
    .option(
      "-o, --out <dir>",
      "write compliance-report.html|md|json and compliance-<framework>.csv into this directory",
    )
    .option("--concurrency <n>", "AWS calls in flight at once (--live)", "8")
    .addOption(
      new Option(
        "--installation <id>",
        "names this installation in each tenant's ExternalId (default: the stack's vaultpilot:installation, else \"default\")",
      ).env("VAULTPILOT_INSTALLATION"),
    )
    .option(
      "--no-assume-role",
      "with --live: use the current credentials in every account instead of assuming vaultpilot-drift-reader-<tenant>",
    )
    .option(
      "--notify",
      "tell each tenant's notification routes (spec.notifications) about its failing controls",
    )
    .action(async (dir: string | undefined, options: ReportOptions) => {
      const { reportCommand } = await import("./report-command.js");
      setExit(await reportCommand(dir, options, io));
    });
  describeCommand(command, {
    about: `
Each framework's controls come from compliance/catalogs/<framework>.json; a control is evidenced
by checks (static: policies and plan; live: --live; history: --events) or is manual (what a
person must attach). Static evidence names the commit, author, date and pull request that last
changed the evidencing line (git blame). --live reads with drift's metadata calls only, never a
secret's value. Manual controls never fail a run.

json prints {version:1, generatedAt, results:[{framework,control,check,tenant,resource,status,observed,evidence}], summary}.`,
    aws: { regions: "policies", serviceEndpoints: true },
    exits: {
      clean: "every automated control passes",
      findings: "a control fails",
      failed: cannotRun(
        "unknown framework or tenant, policies that do not validate, an account the live reader cannot see or a check that could not run (its results are error); never reported as a pass",
      ),
    },
  });
}
