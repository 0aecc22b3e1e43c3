import { stringify } from "yaml";
import { validatePolicies } from "../../program/validate.js";
import { IAM_ROLE_ARN, readStackSettings } from "../../program/pulumi/settings.js";
import { EXIT, UsageError, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { readStackFile } from "../plan/stack-files.js";
import type { BootstrapOptions } from "./options.js";
import { deployRoleTemplate } from "./template.js";

/** Prints the CloudFormation template of one tenant's deploy role. */
export function bootstrapCommand(dir: string, options: BootstrapOptions, io: CliIO): number {
  try {
    const root = policyDirectory(io.cwd, dir);
    const settings = options.stack
      ? readStackFile(io.cwd, options.stack)
      : readStackSettings("default", () => undefined);
    const ciRoleArn = options.ciRoleArn ?? settings.deployCiRoleArn;
    if (ciRoleArn === undefined) {
      throw new UsageError(
        "the deploy role must trust the CI's role: give --ci-role-arn, or --stack with vaultpilot:deployCiRoleArn set",
      );
    }
    if (!IAM_ROLE_ARN.test(ciRoleArn)) {
      throw new UsageError(
        `--ci-role-arn "${ciRoleArn}" is not an IAM role ARN, such as arn:aws:iam::123456789012:role/vaultpilot-ci-deploy`,
      );
    }
    const validation = validatePolicies(root);
    if (!validation.model) {
      const errors = validation.diagnostics.filter((d) => d.severity === "error").length;
      io.stderr(
        `vaultpilot bootstrap: the policies in "${dir}" have ${errors} error(s); run vaultpilot validate ${dir}\n`,
      );
      return EXIT.findings;
    }
    const tenant = validation.model.tenants.find((t) => t.name === options.tenant);
    if (!tenant) {
      const names = validation.model.tenants.map((t) => t.name);
      throw new UsageError(
        `no tenant "${options.tenant}" in "${dir}" (tenants: ${names.join(", ") || "none"})`,
      );
    }
    const template = deployRoleTemplate({
      tenant: tenant.name,
      account: tenant.aws.account,
      ciRoleArn,
      installation: options.installation ?? settings.installation,
      roleName: settings.deployRoleName,
    });
    io.stdout(
      options.format === "json"
        ? JSON.stringify(template, null, 2) + "\n"
        : `# vaultpilot bootstrap --tenant ${tenant.name}: deploy with\n` +
            `#   aws cloudformation deploy --stack-name vaultpilot-bootstrap --capabilities CAPABILITY_NAMED_IAM --template-file <this file>\n` +
            `# in account ${tenant.aws.account}, once, before the first pulumi up.\n` +
            stringify(template, { lineWidth: 0, aliasDuplicateObjects: false, version: "1.1" }),
    );
    return EXIT.clean;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`vaultpilot bootstrap: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}
