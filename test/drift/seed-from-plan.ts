import { CreateRoleCommand } from "@aws-sdk/client-iam";
import {
  CreateAliasCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
} from "@aws-sdk/client-kms";
import { CreateFunctionCommand, type Runtime } from "@aws-sdk/client-lambda";
import { CreateSecretCommand, PutResourcePolicyCommand } from "@aws-sdk/client-secrets-manager";
import { mockState } from "../../actions/plan/run-program.js";
import type { PolicyModel } from "../../program/model.js";
import { accountSdk, type AccountSdk } from "./moto-accounts.js";
import { EMPTY_ZIP, rotateOnce } from "./seed-from-model.js";

/** One resource of `vaultpilot plan --format json`. */
export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface SeededSecret {
  readonly tenant: string;
  readonly name: string;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  /** The version that holds AWSCURRENT after the seed. */
  readonly currentVersion: string;
}

export interface Seeded {
  readonly secrets: ReadonlyMap<string, SeededSecret>;
  /** Tenant → its key's real id. */
  readonly keys: ReadonlyMap<string, string>;
  sdk(tenant: string): Promise<AccountSdk>;
  destroy(): void;
}

const str = (value: unknown): string => {
  if (typeof value !== "string")
    throw new Error(`expected a string in the plan, got ${JSON.stringify(value)}`);
  return value;
};

/**
 * Creates in moto what the plan says the program deploys, resource by resource, from the
 * program's own inputs: keys (with their policy and rotation), aliases, the rotation roles and
 * functions, secrets (name, description, key, tags with the provider's default tags), their
 * resource policies, and their rotation, completed once with `value` as the rotation function
 * would. The plan's mock ARNs and key ids are mapped to the ones moto returns.
 *
 * moto keeps only AutomaticallyAfterDays of a secret's rotation rules and treats rotation as off
 * without it: for a rule with a ScheduleExpression, the seed adds the schedule's days (from the
 * secret's vaultpilot:schedule tag and the model) beside the program's own rules.
 */
export async function seedFromPlan(
  endpoint: string,
  resources: readonly PlanResource[],
  model: PolicyModel,
  options: { value: string },
): Promise<Seeded> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const tenantOf = (resource: PlanResource): string => {
    let top = resource;
    while (top.parent && byUrn.has(top.parent)) top = byUrn.get(top.parent)!;
    return top.name.split("/")[0]!;
  };
  const places = new Map<
    string,
    { account: string; region: string; defaultTags: Record<string, string> }
  >();
  for (const provider of resources.filter((r) => r.type === "pulumi:providers:aws")) {
    const accounts = JSON.parse(str(provider.inputs.allowedAccountIds)) as string[];
    const defaults = provider.inputs.defaultTags
      ? (JSON.parse(str(provider.inputs.defaultTags)) as { tags?: Record<string, string> })
      : {};
    places.set(provider.name, {
      account: accounts[0]!,
      region: str(provider.inputs.region),
      defaultTags: defaults.tags ?? {},
    });
  }
  const sdks = new Map<string, AccountSdk>();
  const sdk = async (tenant: string) => {
    const place = places.get(tenant);
    if (!place) throw new Error(`no provider for tenant ${tenant} in the plan`);
    let found = sdks.get(tenant);
    if (!found) {
      found = await accountSdk(endpoint, place.account, place.region);
      sdks.set(tenant, found);
    }
    return found;
  };
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  /** Mock identifiers (ARNs, key ids) → real ones, applied to every later input. */
  const real = new Map<string, string>();
  const map = (value: unknown) => {
    const text = str(value);
    return real.get(text) ?? text;
  };
  const schedules = new Map(model.schedules.map((s) => [s.name, s.everyDays]));
  const keys = new Map<string, string>();
  const secrets = new Map<string, SeededSecret>();

  for (const key of ofType("aws:kms/key:Key")) {
    const tenant = tenantOf(key);
    const account = await sdk(tenant);
    const tags = {
      ...places.get(tenant)!.defaultTags,
      ...(key.inputs.tags as Record<string, string>),
    };
    const { KeyMetadata: meta } = await account.kms.send(
      new CreateKeyCommand({
        Description: str(key.inputs.description),
        Policy: str(key.inputs.policy),
        Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
      }),
    );
    if (key.inputs.enableKeyRotation === true) {
      await account.kms.send(new EnableKeyRotationCommand({ KeyId: meta!.KeyId! }));
    }
    const mock = mockState(key.type, key.name, key.inputs, account);
    real.set(mock.id, meta!.KeyId!);
    real.set(String(mock.arn), meta!.Arn!);
    keys.set(tenant, meta!.KeyId!);
  }
  // Drift reads the tenant's own region: a key's replica in the disaster-recovery region (and its
  // alias there) is not seeded.
  const replicaArns = new Set<string>();
  for (const replica of ofType("aws:kms/replicaKey:ReplicaKey")) {
    const account = await sdk(tenantOf(replica));
    replicaArns.add(String(mockState(replica.type, replica.name, replica.inputs, account).arn));
  }
  for (const alias of ofType("aws:kms/alias:Alias")) {
    const account = await sdk(tenantOf(alias));
    if (
      [...replicaArns].some((arn) => arn.endsWith(str(alias.inputs.targetKeyId).split("/").at(-1)!))
    )
      continue;
    await account.kms.send(
      new CreateAliasCommand({
        AliasName: str(alias.inputs.name),
        TargetKeyId: map(alias.inputs.targetKeyId),
      }),
    );
  }
  for (const role of ofType("aws:iam/role:Role")) {
    const account = await sdk(tenantOf(role));
    await account.iam.send(
      new CreateRoleCommand({
        RoleName: str(role.inputs.name),
        AssumeRolePolicyDocument: str(role.inputs.assumeRolePolicy),
      }),
    );
  }
  for (const fn of ofType("aws:lambda/function:Function")) {
    const account = await sdk(tenantOf(fn));
    const created = await account.lambda.send(
      new CreateFunctionCommand({
        FunctionName: str(fn.inputs.name),
        Runtime: str(fn.inputs.runtime) as Runtime,
        Role: str(fn.inputs.role),
        Handler: str(fn.inputs.handler),
        // The plan names the bundle's folder; moto without Docker never runs it.
        Code: { ZipFile: EMPTY_ZIP },
      }),
    );
    real.set(String(mockState(fn.type, fn.name, fn.inputs, account).arn), created.FunctionArn!);
  }
  for (const secret of ofType("aws:secretsmanager/secret:Secret")) {
    const tenant = tenantOf(secret);
    const account = await sdk(tenant);
    const tags = {
      ...places.get(tenant)!.defaultTags,
      ...(secret.inputs.tags as Record<string, string>),
    };
    const name = str(secret.inputs.name);
    // The program writes no value: this first one stands in for the rotation function's.
    const created = await account.secrets.send(
      new CreateSecretCommand({
        Name: name,
        Description: str(secret.inputs.description),
        KmsKeyId: map(secret.inputs.kmsKeyId),
        SecretString: options.value,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    real.set(String(mockState(secret.type, secret.name, secret.inputs, account).arn), created.ARN!);
    secrets.set(name, {
      tenant,
      name,
      arn: created.ARN!,
      account: account.account,
      region: account.region,
      currentVersion: created.VersionId!,
    });
  }
  for (const policy of ofType("aws:secretsmanager/secretPolicy:SecretPolicy")) {
    const account = await sdk(tenantOf(policy));
    await account.secrets.send(
      new PutResourcePolicyCommand({
        SecretId: map(policy.inputs.secretArn),
        ResourcePolicy: str(policy.inputs.policy),
        BlockPublicPolicy: policy.inputs.blockPublicPolicy === true,
      }),
    );
  }
  for (const rotation of ofType("aws:secretsmanager/secretRotation:SecretRotation")) {
    const account = await sdk(tenantOf(rotation));
    const arn = map(rotation.inputs.secretId);
    const seeded = [...secrets.values()].find((s) => s.arn === arn)!;
    const rules = rotation.inputs.rotationRules as {
      automaticallyAfterDays?: number;
      scheduleExpression?: string;
      duration?: string;
    };
    const tags = (ofType("aws:secretsmanager/secret:Secret").find(
      (s) => s.inputs.name === seeded.name,
    )!.inputs.tags ?? {}) as Record<string, string>;
    const days = rules.automaticallyAfterDays ?? schedules.get(tags["vaultpilot:schedule"] ?? "");
    const version = await rotateOnce(account, arn, seeded.currentVersion, options.value, {
      RotationLambdaARN: map(rotation.inputs.rotationLambdaArn),
      RotationRules: {
        ...(days !== undefined && { AutomaticallyAfterDays: days }),
        ...(rules.scheduleExpression && { ScheduleExpression: rules.scheduleExpression }),
        ...(rules.duration && { Duration: rules.duration }),
      },
    });
    secrets.set(seeded.name, { ...seeded, currentVersion: version });
  }
  return {
    secrets,
    keys,
    sdk,
    destroy() {
      for (const s of sdks.values()) s.destroy();
    },
  };
}
