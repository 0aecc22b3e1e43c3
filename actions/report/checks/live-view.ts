import type { LiveSecret } from "../../../cloud/aws/live/state.js";
import type { CheckContext, LiveTenant, Observation } from "./check.js";

type Seen = Exclude<LiveTenant, { error: string }>;

const DAY_MS = 86_400_000;

/**
 * Runs `judge` on each tenant the live reader saw; a tenant whose account could not be read gets
 * one `error` observation (a failure to check is never a pass). Nothing without --live.
 */
export function perLiveTenant(
  context: CheckContext,
  judge: (tenant: Seen) => Observation[],
): Observation[] {
  if (!context.live) return [];
  return context.tenants.flatMap((tenant) => {
    const seen = context.live!.get(tenant.name);
    if (!seen) return [];
    if ("error" in seen) {
      return [
        {
          tenant: tenant.name,
          resource: `${seen.account}/${seen.region}`,
          status: "error",
          observed: `could not read the account: ${seen.error}`,
          observedAt: context.at,
        },
      ];
    }
    return judge(seen);
  });
}

/** One observation per declared secret; a secret missing from the account or scheduled for deletion fails. */
export function perLiveSecret(
  context: CheckContext,
  judge: (secret: LiveSecret, tenant: Seen) => Pick<Observation, "status" | "observed">,
): Observation[] {
  return perLiveTenant(context, (tenant) =>
    tenant.secrets.map(({ expected, live }) => {
      const base = { tenant: tenant.tenant, observedAt: tenant.readAt };
      if (!live) {
        return {
          ...base,
          resource: expected.name,
          status: "fail",
          observed: `no secret named ${expected.name} in ${tenant.account}/${tenant.region}`,
        };
      }
      if (live.deletedDate) {
        return {
          ...base,
          resource: live.arn,
          status: "fail",
          observed: `scheduled for deletion on ${live.deletedDate.toISOString()}`,
        };
      }
      return { ...base, resource: live.arn, ...judge(live, tenant) };
    }),
  );
}

/** Whole days from `then` to `now`. */
export function ageDays(then: Date, now: string): number {
  return Math.floor((Date.parse(now) - then.getTime()) / DAY_MS);
}
