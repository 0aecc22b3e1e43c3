import type { ProgramRun, SubjectResource } from "../../plan/resources.js";

/** The plan's resources of one tenant by type, and of one secret by `tenant/secret`. */
export interface PlanIndex {
  ofTenant(tenant: string, type: string): readonly SubjectResource[];
  ofSecret(tenant: string, secret: string, type: string): SubjectResource | undefined;
}

const cache = new WeakMap<ProgramRun, PlanIndex>();

/** Indexes a plan once, however many checks and frameworks read it. */
export function planIndex(plan: ProgramRun): PlanIndex {
  let index = cache.get(plan);
  if (index) return index;
  const byTenant = new Map<string, SubjectResource[]>();
  const bySecret = new Map<string, SubjectResource>();
  for (const resource of plan.resources) {
    const subject = resource.subject;
    if (!subject) continue;
    const key = `${subject.tenant}\0${resource.type}`;
    byTenant.set(key, [...(byTenant.get(key) ?? []), resource]);
    if (subject.secret)
      bySecret.set(`${subject.tenant}\0${subject.secret}\0${resource.type}`, resource);
  }
  index = {
    ofTenant: (tenant, type) => byTenant.get(`${tenant}\0${type}`) ?? [],
    ofSecret: (tenant, secret, type) => bySecret.get(`${tenant}\0${secret}\0${type}`),
  };
  cache.set(plan, index);
  return index;
}

export const TYPE = {
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
  secret: "aws:secretsmanager/secret:Secret",
  rotation: "aws:secretsmanager/secretRotation:SecretRotation",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
} as const;

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
