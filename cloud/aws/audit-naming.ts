/**
 * Names of the audit archive's resources, as pure functions, shared by the AuditArchive
 * component and `vaultpilot audit export` (which signs with the key and reads the trail).
 */

/** The manifest signing key's alias. */
export const auditSigningKeyAlias = (stack: string) => `alias/vaultpilot/audit/${stack}`;
/** The trail the archive creates, when asked. */
export const auditTrailName = (stack: string) => `vaultpilot-audit-${stack}`;
/** Where that trail writes in the archive bucket. */
export const AUDIT_TRAIL_PREFIX = "cloudtrail";
