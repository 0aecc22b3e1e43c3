import { createHash } from "node:crypto";

/** The roles VaultPilot's CI assumes in a tenant's account; each has its own ExternalId. */
export type CrossAccountRole = "deploy" | "drift";

/**
 * The ExternalId the CI presents when it assumes `role` in one tenant's account: `vp-` and 40 hex
 * characters of SHA-256 over the role, the installation and the tenant. A pure function of names,
 * so it is the same on every deploy and in every place that computes it (the trust policy, the
 * provider, drift, bootstrap), never time-based, and it names neither installation nor tenant in
 * clear. It is not a secret: it ties a trust to one tenant of one installation (the confused-deputy
 * guard AWS documents for third-party access).
 */
export function tenantExternalId(
  role: CrossAccountRole,
  installation: string,
  tenant: string,
): string {
  const digest = createHash("sha256").update(`vaultpilot-${role}\0${installation}\0${tenant}`);
  return `vp-${digest.digest("hex").slice(0, 40)}`;
}

/** The longest session either role allows, in seconds: one hour. */
export const CROSS_ACCOUNT_MAX_SESSION_SECONDS = 3600;
