import type { SecretType } from "../../program/documents.js";
import type { PolicyModel, Secret, Tenant } from "../../program/model.js";
import {
  keyAliasName,
  rotationFunctionName,
  secretName,
  TAG_SCHEDULE,
  TAG_TENANT,
  TAG_TYPE,
} from "./naming.js";
import { rotationRules, type RotationRules } from "./rotation-rules.js";

/**
 * What the Pulumi program deploys for the model, as drift (and discover, and live checks)
 * compare it with the live state: names, tags, keys and rotation. The tests seed moto from the
 * program's own plan, so a difference between these functions and the program shows up there as drift.
 */

interface ExpectedRotationSchedule {
  readonly everyDays: number;
  readonly window?: { readonly start: string; readonly durationHours: number };
}

export interface ExpectedRotation extends ExpectedRotationSchedule {
  readonly rules: RotationRules;
}

export interface ExpectedSecret {
  readonly tenant: string;
  /** The policy's name for it. */
  readonly policyName: string;
  /** Its name in Secrets Manager. */
  readonly name: string;
  readonly type: SecretType;
  readonly tags: Readonly<Record<string, string>>;
  readonly rotation: ExpectedRotation;
  readonly functionName: string;
}

export interface ExpectedTenant {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly keyAlias: string;
  readonly secrets: readonly ExpectedSecret[];
}

export function expectedSecret(secret: Secret): ExpectedSecret {
  const tenant = secret.tenant.name;
  const window = secret.schedule.window;
  return {
    tenant,
    policyName: secret.name,
    name: secretName(tenant, secret.name),
    type: secret.type,
    tags: {
      [TAG_TENANT]: tenant,
      [TAG_TYPE]: secret.type,
      [TAG_SCHEDULE]: secret.schedule.name,
    },
    rotation: withRules({
      everyDays: secret.schedule.everyDays,
      ...(window && { window: { start: window.start, durationHours: window.durationHours } }),
    }),
    functionName: rotationFunctionName(tenant, secret.type),
  };
}

export function expectedTenant(tenant: Tenant): ExpectedTenant {
  return {
    name: tenant.name,
    account: tenant.aws.account,
    region: tenant.aws.region,
    keyAlias: keyAliasName(tenant.name),
    secrets: tenant.secrets.map(expectedSecret),
  };
}

export function expectedState(model: PolicyModel, tenants?: ReadonlySet<string>): ExpectedTenant[] {
  return model.tenants.filter((tenant) => !tenants || tenants.has(tenant.name)).map(expectedTenant);
}

function withRules(schedule: ExpectedRotationSchedule): ExpectedRotation {
  return { ...schedule, rules: rotationRules(schedule) };
}
