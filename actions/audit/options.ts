import { EXIT } from "../io.js";

export interface AuditExportOptions {
  readonly from?: string;
  readonly to?: string;
  readonly previousMonth: boolean;
  readonly tenant?: string;
  readonly stack?: string;
  readonly policies?: string;
  readonly format: string;
  readonly out?: string;
  /** An s3:// URL, or true: the stack's archive bucket, exports/<stack>/<from>_<to>/. */
  readonly upload?: string | true;
  readonly trail?: string;
  readonly signingKey?: string;
  readonly regions?: string;
  readonly cloudtrailPublicKeys: string[];
  readonly mask: string[];
  readonly summary: "text" | "markdown";
  readonly concurrency: string;
}

export interface AuditVerifyOptions {
  readonly publicKey?: string;
  readonly format: "text" | "json";
}

/** audit export: 0 complete, 1 written with gaps in the evidence, 2 could not export (EXIT, io.ts). */
export const AUDIT_EXIT = {
  clean: EXIT.clean,
  findings: EXIT.findings,
  failed: EXIT.failed,
} as const;
