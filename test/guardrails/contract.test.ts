import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DescribeCreateAccountStatusCommand,
  DescribePolicyCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runProgram } from "../../actions/plan/program-run.js";
import { deployExternalId } from "../../cloud/aws/deploy-role.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { runCli } from "../support/cli.js";
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from "../support/moto.js";
import { policyTree, VALID_POLICIES } from "../support/policy-tree.js";

/**
 * What the program and bootstrap write, sent to moto's server through the AWS SDK and read back:
 * moto stores service control policies (it does not enforce them) and runs CloudFormation's
 * AWS::IAM::Role.
 */
let moto: MotoServer;
const client = <T>(make: new (config: object) => T): T =>
  new make({ ...MOTO_CREDENTIALS, endpoint: moto.endpoint, maxAttempts: 1 });

beforeAll(async () => {
  moto = await startMoto();
}, 120_000);
afterAll(async () => moto?.stop());

describe("the guardrails' service control policy in moto", () => {
  it("is created with the recorded content, read back equal and attached to the tenant's account", async () => {
    const model = validatePolicies("policies").model!;
    const settings = readStackSettings("contract", (key) =>
      key === "vaultpilot:organizationRoleArn"
        ? { value: "arn:aws:iam::123456789012:role/vaultpilot-organization", secret: false }
        : undefined,
    );
    const run = await runProgram(model, settings);
    const scp = run.resources.find(
      (r) => r.type === "aws:organizations/policy:Policy" && r.subject?.tenant === "acme",
    )!;
    const organizations = client(OrganizationsClient);
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    const created = await organizations.send(
      new CreateAccountCommand({ AccountName: "acme", Email: "acme@example.com" }),
    );
    const status = await organizations.send(
      new DescribeCreateAccountStatusCommand({
        CreateAccountRequestId: created.CreateAccountStatus!.Id!,
      }),
    );
    // moto gives the new account its own id; the program attaches to the tenant's spec.aws.account.
    const account = status.CreateAccountStatus!.AccountId!;
    expect(account).toMatch(/^[0-9]{12}$/);

    const policy = await organizations.send(
      new CreatePolicyCommand({
        Name: scp.inputs.name as string,
        Description: scp.inputs.description as string,
        Type: scp.inputs.type as "SERVICE_CONTROL_POLICY",
        Content: scp.inputs.content as string,
      }),
    );
    const policyId = policy.Policy!.PolicySummary!.Id!;
    await organizations.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: account }));

    const read = await organizations.send(new DescribePolicyCommand({ PolicyId: policyId }));
    expect(read.Policy!.PolicySummary).toMatchObject({
      Name: "vaultpilot-guardrails-acme",
      Type: "SERVICE_CONTROL_POLICY",
    });
    expect(JSON.parse(read.Policy!.Content!)).toEqual(JSON.parse(scp.inputs.content as string));
    const attached = await organizations.send(
      new ListPoliciesForTargetCommand({ TargetId: account, Filter: "SERVICE_CONTROL_POLICY" }),
    );
    expect(attached.Policies!.map((p) => p.Id)).toContain(policyId);
    organizations.destroy();
  }, 300_000);
});

describe("vaultpilot bootstrap's template in moto's CloudFormation", () => {
  for (const format of ["yaml", "json"] as const) {
    it(`creates the deploy role (${format}) that IAM reads back as printed`, async () => {
      const tree = policyTree(VALID_POLICIES);
      try {
        const ci = "arn:aws:iam::210987654321:role/vaultpilot-ci-deploy";
        const printed = await runCli(
          [
            "bootstrap",
            tree.dir,
            "--tenant",
            "acme",
            "--ci-role-arn",
            ci,
            "--installation",
            `contract-${format}`,
            "--format",
            format,
          ],
          { env: {} },
        );
        expect(printed.stderr).toBe("");
        expect(printed.code).toBe(0);
        const template = (
          format === "json" ? JSON.parse(printed.stdout) : parse(printed.stdout)
        ) as {
          Resources: {
            DeployRole: {
              Properties: {
                RoleName: string;
                AssumeRolePolicyDocument: unknown;
              };
            };
            DeployPolicy: { Properties: { ManagedPolicyName: string; PolicyDocument: unknown } };
          };
        };
        const properties = template.Resources.DeployRole.Properties;
        const cloudformation = client(CloudFormationClient);
        const stackName = `vaultpilot-bootstrap-${format}`;
        await cloudformation.send(
          new CreateStackCommand({
            StackName: stackName,
            TemplateBody: printed.stdout,
            Capabilities: ["CAPABILITY_NAMED_IAM"],
          }),
        );
        const stack = await cloudformation.send(
          new DescribeStacksCommand({ StackName: stackName }),
        );
        expect(stack.Stacks![0]!.StackStatus).toBe("CREATE_COMPLETE");
        const outputs = Object.fromEntries(
          (stack.Stacks![0]!.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]),
        );
        const externalId = deployExternalId("acme", `contract-${format}`);
        expect(outputs.ExternalId).toBe(externalId);

        const iam = client(IAMClient);
        // One stack per format in one moto account: the role name is the stack's deployRoleName.
        const role = await iam.send(new GetRoleCommand({ RoleName: properties.RoleName }));
        expect(outputs.DeployRoleArn).toBe(role.Role!.Arn);
        expect(role.Role!.MaxSessionDuration).toBe(3600);
        const trust = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!));
        expect(trust).toEqual(properties.AssumeRolePolicyDocument);
        expect(trust.Statement[0]).toMatchObject({
          Principal: { AWS: ci },
          Condition: { StringEquals: { "sts:ExternalId": externalId } },
        });
        const attached = await iam.send(
          new ListAttachedRolePoliciesCommand({ RoleName: properties.RoleName }),
        );
        expect(attached.AttachedPolicies!.map((p) => p.PolicyName)).toEqual([
          template.Resources.DeployPolicy.Properties.ManagedPolicyName,
        ]);
        const policy = await iam.send(
          new GetPolicyCommand({ PolicyArn: attached.AttachedPolicies![0]!.PolicyArn! }),
        );
        expect(policy.Policy!.Path).toBe("/vaultpilot-bootstrap/");
        const version = await iam.send(
          new GetPolicyVersionCommand({
            PolicyArn: policy.Policy!.Arn!,
            VersionId: policy.Policy!.DefaultVersionId!,
          }),
        );
        expect(JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!))).toEqual(
          template.Resources.DeployPolicy.Properties.PolicyDocument,
        );
        iam.destroy();
        cloudformation.destroy();
      } finally {
        tree.remove();
        await moto.reset();
      }
    }, 300_000);
  }
});
