import type * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/aws/provider.js";
import { DriftReaderRole } from "../../components/aws/drift-reader-role.js";
import { ManagedSecret } from "../../components/aws/managed-secret.js";
import {
  accessRoleName,
  roleArn,
  rotationRoleName,
  topicArn,
  type TenantScope,
} from "../../cloud/aws/naming.js";
import { rotationConfigFor } from "../rotation-config.js";
import { RotationAlarms } from "../../components/aws/rotation-alarms.js";
import { RotationFunction } from "../../components/aws/rotation-function.js";
import { TenantAccessRole } from "../../components/aws/tenant-access-role.js";
import { TenantKey } from "../../components/aws/tenant-key.js";
import type { Tenant } from "../model.js";
import type { StackSettings } from "./settings.js";

/** What the program made for one tenant, for stack outputs and for other components to wire to. */
export interface TenantResources {
  readonly tenant: string;
  readonly provider: Provider;
  readonly key: TenantKey;
  readonly accessRoles: ReadonlyMap<string, TenantAccessRole>;
  readonly secrets: ReadonlyMap<string, ManagedSecret>;
  readonly rotationFunctions: ReadonlyMap<string, RotationFunction>;
  readonly alarms: RotationAlarms;
  /** Present when the stack names the drift workflow's role (`vaultpilot:driftCiRoleArn`). */
  readonly driftReader?: DriftReaderRole;
}

/** Values only the Pulumi program knows (secrets from stack config), kept out of the plain settings. */
export interface StackInputs {
  readonly alarmWebhookUrl?: pulumi.Input<string>;
}

/**
 * Creates every resource of the given tenants: the Pulumi program and `vaultpilot plan` both
 * call this, so what the plan lists is what `pulumi up` creates. `opts` is applied to each
 * tenant's top-level resources (the plan passes a transformation that records them).
 */
export function createStackResources(
  tenants: readonly Tenant[],
  settings: StackSettings,
  inputs: StackInputs = {},
  opts: pulumi.ComponentResourceOptions = {},
): TenantResources[] {
  return tenants.map((tenant) => createTenantResources(tenant, settings, inputs, opts));
}

function createTenantResources(
  tenant: Tenant,
  settings: StackSettings,
  inputs: StackInputs,
  opts: pulumi.ComponentResourceOptions,
): TenantResources {
  const scope: TenantScope = {
    tenant: tenant.name,
    account: tenant.aws.account,
    region: tenant.aws.region,
  };
  // Each tenant lives in its own account and region: one provider per tenant, which refuses any other account.
  const provider = new Provider(
    tenant.name,
    {
      region: tenant.aws.region,
      allowedAccountIds: [tenant.aws.account],
      assumeRoles: [
        { roleArn: roleArn(scope, settings.deployRoleName), sessionName: "vaultpilot" },
      ],
      defaultTags: { tags: { "vaultpilot:managed-by": "vaultpilot" } },
    },
    { transformations: opts.transformations },
  );
  const options: pulumi.ComponentResourceOptions = { ...opts, providers: { aws: provider } };
  const secretTypes = [...new Set(tenant.secrets.map((s) => s.type))];

  const key = new TenantKey(
    tenant.name,
    {
      scope,
      readerRoleArns: tenant.services.map((s) =>
        roleArn(scope, accessRoleName(tenant.name, s.name)),
      ),
      rotationRoleArns: secretTypes.map((t) => roleArn(scope, rotationRoleName(tenant.name, t))),
      deletionWindowInDays: settings.keyDeletionWindowDays,
    },
    options,
  );
  const accessRoles = new Map(
    tenant.services.map((service) => [
      service.name,
      new TenantAccessRole(
        `${tenant.name}/${service.name}`,
        {
          scope,
          service: service.name,
          runtime: service.runtime,
          secretNames: service.consumes.map((s) => s.name),
          kmsKeyArn: key.keyArn,
        },
        options,
      ),
    ]),
  );
  const secrets = new Map(
    tenant.secrets.map((secret) => [
      secret.name,
      new ManagedSecret(
        `${tenant.name}/${secret.name}`,
        {
          scope,
          secretName: secret.name,
          secretType: secret.type,
          scheduleName: secret.schedule.name,
          kmsKeyId: key.keyArn,
          consumerRoleArns: secret.consumers.map((c) =>
            roleArn(scope, accessRoleName(tenant.name, c.name)),
          ),
          rotationRoleArn: roleArn(scope, rotationRoleName(tenant.name, secret.type)),
        },
        options,
      ),
    ]),
  );
  const rotationFunctions = new Map(
    secretTypes.map((type) => [
      type,
      new RotationFunction(
        `${tenant.name}/${type}`,
        {
          scope,
          secretType: type,
          secrets: tenant.secrets
            .filter((s) => s.type === type)
            .map((s) => ({
              name: s.name,
              secretId: secrets.get(s.name)!.arn,
              schedule: {
                everyDays: s.schedule.everyDays,
                ...(s.schedule.window && {
                  window: {
                    start: s.schedule.window.start,
                    durationHours: s.schedule.window.durationHours,
                  },
                }),
              },
              // Alerts go to the topic RotationAlarms creates below (its ARN is a pure function of names).
              config: rotationConfigFor(s, { alertTopicArn: topicArn(scope) }),
              ...(s.connection?.masterSecret && { masterSecret: s.connection.masterSecret.name }),
            })),
          kmsKeyArn: key.keyArn,
          logRetentionDays: settings.logRetentionDays,
        },
        options,
      ),
    ]),
  );
  const alarms = new RotationAlarms(
    tenant.name,
    {
      scope,
      kmsKeyArn: key.keyArn,
      functions: [...rotationFunctions].map(([secretType, fn]) => ({
        secretType,
        functionName: fn.functionName,
      })),
      notify:
        inputs.alarmWebhookUrl === undefined ? "none" : { httpsEndpoint: inputs.alarmWebhookUrl },
    },
    options,
  );
  const driftReader =
    settings.driftCiRoleArn === undefined
      ? undefined
      : new DriftReaderRole(
          `${tenant.name}-drift-reader`,
          { scope, ciRoleArn: settings.driftCiRoleArn, installation: settings.installation },
          options,
        );
  return {
    tenant: tenant.name,
    provider,
    key,
    accessRoles,
    secrets,
    rotationFunctions,
    alarms,
    ...(driftReader && { driftReader }),
  };
}
