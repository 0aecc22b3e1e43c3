import type * as pulumi from "@pulumi/pulumi";
import { AuditArchive } from "../../components/aws/audit-archive.js";
import type { AuditSettings } from "./audit-settings.js";

/**
 * The stack's audit archive, once per stack (not per tenant): in the stack's home region and in
 * the account of `vaultpilot:auditExportRoleArn`, with the stack's default provider. Undefined
 * unless `vaultpilot:auditArchive` is true.
 */
export function createAuditArchive(
  stack: string,
  region: string,
  audit: AuditSettings,
  opts: pulumi.ComponentResourceOptions = {},
): AuditArchive | undefined {
  if (!audit.archive || !audit.exportRoleArn) return undefined;
  return new AuditArchive(
    `${stack}-audit`,
    {
      stack,
      account: audit.exportRoleArn.split(":")[4]!,
      region,
      bucketName: audit.bucketName,
      retention: audit.retention,
      exportRoleArn: audit.exportRoleArn,
      trail: { enabled: audit.trail, organization: audit.organizationTrail },
    },
    opts,
  );
}
