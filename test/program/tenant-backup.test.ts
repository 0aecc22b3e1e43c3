import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { runProgram } from "../../actions/plan/program-run.js";
import type { SubjectResource } from "../../actions/plan/resources.js";
import { readStackSettings } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { doc, validateText, yamlFile } from "../support/validate-text.js";

// umbrella (policies/) declares a backup block with a vault lock and a disaster-recovery region.
const model = validatePolicies("policies").model!;
const settings = readStackSettings("test", () => undefined);
const run = await runProgram(model, settings, { only: new Set(["umbrella", "acme"]) });
const of = (type: string, tenant = "umbrella") =>
  run.resources.filter((r) => r.type === type && r.subject?.tenant === tenant);
const one = (type: string, name: string): SubjectResource => {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
};
const providerRegion = (r: SubjectResource) => r.inputs.region;
const providerOf = (urn: string) => run.resources.find((r) => r.urn === urn);

describe("TenantBackup in the program (umbrella's backup block)", () => {
  it("encrypts the vault with the tenant's key and locks it with the lock's defaults", () => {
    const vault = one("aws:backup/vault:Vault", "umbrella-vault");
    expect(vault.inputs).toMatchObject({
      name: "vaultpilot-umbrella",
      kmsKeyArn: expect.stringMatching(/^arn:aws:kms:us-west-2:444444444444:key\//),
    });
    expect(
      one("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "umbrella-vault-lock").inputs,
    ).toEqual({
      backupVaultName: "vaultpilot-umbrella",
      minRetentionDays: 35,
      maxRetentionDays: 365,
      changeableForDays: 3,
    });
  });

  it("plans a daily and a weekly rule with their lifecycles and a copy to the disaster-recovery vault", () => {
    const plan = one("aws:backup/plan:Plan", "umbrella-plan");
    const copy = one("aws:backup/vault:Vault", "umbrella-copy-vault");
    expect(copy.inputs.kmsKeyArn).toMatch(/^arn:aws:kms:us-east-2:444444444444:/);
    const destination = expect.stringMatching(/^arn:aws:backup:us-east-2:444444444444:/);
    expect(plan.inputs.rules).toEqual([
      {
        ruleName: "daily",
        schedule: "cron(0 5 * * ? *)",
        targetVaultName: "vaultpilot-umbrella",
        lifecycle: { deleteAfter: 35 },
        copyActions: [{ destinationVaultArn: destination, lifecycle: { deleteAfter: 35 } }],
      },
      {
        ruleName: "weekly",
        schedule: "cron(0 5 ? * SUN *)",
        targetVaultName: "vaultpilot-umbrella",
        lifecycle: { deleteAfter: 365, coldStorageAfter: 90 },
        copyActions: [
          {
            destinationVaultArn: destination,
            lifecycle: { deleteAfter: 365, coldStorageAfter: 90 },
          },
        ],
      },
    ]);
    expect(plan.purpose).toEqual({ kind: "backup-plan" });
  });

  it("selects by the policy's tags through a role only AWS Backup assumes", () => {
    const selection = one("aws:backup/selection:Selection", "umbrella-selection");
    expect(selection.inputs.selectionTags).toEqual([
      { type: "STRINGEQUALS", key: "vaultpilot:backup", value: "umbrella" },
    ]);
    const role = one("aws:iam/role:Role", "umbrella-backup-role");
    expect(selection.inputs.iamRoleArn).toBe(
      "arn:aws:iam::444444444444:role/vaultpilot-umbrella-backup",
    );
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0]).toMatchObject({
      Principal: { Service: "backup.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "444444444444" } },
    });
  });

  it("sends failed, aborted and expired backup and copy jobs to the alarm topic, which lets that rule publish", () => {
    const rule = one("aws:cloudwatch/eventRule:EventRule", "umbrella-backup-failures");
    expect(JSON.parse(rule.inputs.eventPattern as string)).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Backup Job State Change", "Copy Job State Change"],
      account: ["444444444444"],
      detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
    });
    const target = one("aws:cloudwatch/eventTarget:EventTarget", "umbrella-backup-failures-target");
    expect(target.inputs.arn).toBe(
      "arn:aws:sns:us-west-2:444444444444:vaultpilot_umbrella_rotation-alarms",
    );
    const topicPolicy = JSON.parse(
      one("aws:sns/topicPolicy:TopicPolicy", "umbrella-alarm-topic-policy").inputs.policy as string,
    );
    expect(topicPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Sid: "BackupFailureRulePublishes",
        Principal: { Service: "events.amazonaws.com" },
        Condition: {
          ArnEquals: {
            "aws:SourceArn":
              "arn:aws:events:us-west-2:444444444444:rule/vaultpilot_umbrella_backup-failures",
          },
        },
      }),
    );
  });

  it("makes the key multi-region with a replica and alias in the disaster-recovery region, through its own provider", () => {
    expect(one("aws:kms/key:Key", "umbrella-key").inputs.multiRegion).toBe(true);
    const replica = one("aws:kms/replicaKey:ReplicaKey", "umbrella-replica-key");
    const alias = one("aws:kms/alias:Alias", "umbrella-replica-alias");
    expect(alias.inputs.name).toBe("alias/vaultpilot/umbrella");
    expect(alias.inputs.targetKeyId).toMatch(/^arn:aws:kms:us-east-2:444444444444:/);
    const policy = JSON.parse(replica.inputs.policy as string);
    expect(JSON.stringify(policy)).toContain("secretsmanager.us-east-2.amazonaws.com");
    expect(JSON.stringify(policy)).toContain("backup.us-east-2.amazonaws.com");
    const provider = one("pulumi:providers:aws", "umbrella/disaster-recovery");
    expect(providerRegion(provider)).toBe("us-east-2");
    expect(provider.subject).toEqual({ tenant: "umbrella" });
    expect(providerOf(provider.urn)).toBeDefined();
  });

  it("replicates every secret there under the replica key", () => {
    const secrets = of("aws:secretsmanager/secret:Secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.inputs.replicas, secret.name).toEqual([
        {
          region: "us-east-2",
          kmsKeyId: expect.stringMatching(/^arn:aws:kms:us-east-2:444444444444:/),
        },
      ]);
    }
  });

  it("leaves a tenant without backup or disaster recovery as it was", () => {
    expect(of("aws:backup/plan:Plan", "acme")).toEqual([]);
    expect(of("aws:kms/replicaKey:ReplicaKey", "acme")).toEqual([]);
    expect(one("aws:kms/key:Key", "acme-key").inputs.multiRegion).toBeUndefined();
    for (const secret of of("aws:secretsmanager/secret:Secret", "acme"))
      expect(secret.inputs.replicas).toEqual([]);
  });

  it("makes no backup resources without spec.backup, but a disaster-recovery region still replicates", async () => {
    const only = validateText({
      "t.yaml": yamlFile(
        doc.tenant("solo") + "  disasterRecovery: { region: eu-west-1 }\n",
        doc.schedule("monthly", "30d"),
        doc.secret("token", "solo", "monthly"),
      ),
    }).model!;
    const solo = await runProgram(only, settings);
    expect(solo.resources.filter((r) => r.type.startsWith("aws:backup/"))).toEqual([]);
    expect(solo.resources.find((r) => r.type === "aws:kms/replicaKey:ReplicaKey")).toBeDefined();
  });
});

// The recorded inputs, as a TypeScript file typed with @pulumi/aws's own Args: tsc rejects any
// input the provider does not know or of the wrong type.
const ARGS: Record<string, [module: string, args: string]> = {
  "aws:backup/vault:Vault": ["@pulumi/aws/backup/vault.js", "VaultArgs"],
  "aws:backup/plan:Plan": ["@pulumi/aws/backup/plan.js", "PlanArgs"],
  "aws:backup/selection:Selection": ["@pulumi/aws/backup/selection.js", "SelectionArgs"],
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration": [
    "@pulumi/aws/backup/vaultLockConfiguration.js",
    "VaultLockConfigurationArgs",
  ],
  "aws:kms/key:Key": ["@pulumi/aws/kms/key.js", "KeyArgs"],
  "aws:kms/replicaKey:ReplicaKey": ["@pulumi/aws/kms/replicaKey.js", "ReplicaKeyArgs"],
  "aws:kms/alias:Alias": ["@pulumi/aws/kms/alias.js", "AliasArgs"],
  "aws:secretsmanager/secret:Secret": ["@pulumi/aws/secretsmanager/secret.js", "SecretArgs"],
  "aws:cloudwatch/eventRule:EventRule": ["@pulumi/aws/cloudwatch/eventRule.js", "EventRuleArgs"],
  "aws:cloudwatch/eventTarget:EventTarget": [
    "@pulumi/aws/cloudwatch/eventTarget.js",
    "EventTargetArgs",
  ],
  "aws:iam/role:Role": ["@pulumi/aws/iam/role.js", "RoleArgs"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
    "@pulumi/aws/iam/rolePolicyAttachment.js",
    "RolePolicyAttachmentArgs",
  ],
  "pulumi:providers:aws": ["@pulumi/aws/provider.js", "ProviderArgs"],
};

function typeErrors(resources: readonly SubjectResource[], dir: string): string[] {
  const lines: string[] = [];
  resources.forEach((r, i) => {
    const [module, args] = ARGS[r.type]!;
    lines.push(`import type { ${args} as A${i} } from "${module}";`);
    // A provider's inputs reach the engine as JSON text (lists, maps, booleans): parse them back.
    const inputs = Object.fromEntries(
      Object.entries(r.inputs).map(([k, v]) => {
        if (typeof v !== "string" || !r.type.startsWith("pulumi:providers:")) return [k, v];
        try {
          return [k, JSON.parse(v) as unknown];
        } catch {
          return [k, v];
        }
      }),
    );
    lines.push(`export const r${i}: A${i} = ${JSON.stringify(inputs)};`);
  });
  const file = join(dir, "recorded.ts");
  writeFileSync(file, lines.join("\n") + "\n");
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("the recorded inputs of backup and disaster recovery", () => {
  const dir = mkdtempSync(join(import.meta.dirname, ".recorded-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("type-check against @pulumi/aws's Args types", () => {
    const recorded = run.resources.filter(
      (r) =>
        r.subject?.tenant === "umbrella" &&
        r.type in ARGS &&
        (r.type.startsWith("aws:backup/") ||
          r.type.startsWith("aws:kms/") ||
          r.type.startsWith("pulumi:providers:") ||
          r.type === "aws:secretsmanager/secret:Secret" ||
          r.name.includes("backup")),
    );
    expect(recorded.length).toBeGreaterThanOrEqual(15);
    expect(typeErrors(recorded, dir)).toEqual([]);
  }, 120_000);

  it("and tsc does reject a misspelt input", () => {
    const plan = one("aws:backup/plan:Plan", "umbrella-plan");
    const broken = {
      ...plan,
      inputs: { ...plan.inputs, rules: [{ ruleName: "x", targetVault: "y" }] },
    };
    expect(typeErrors([broken], dir).join("\n")).toMatch(/targetVault/);
  }, 120_000);
});
