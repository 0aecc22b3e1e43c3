/** The template formats `vaultpilot bootstrap` prints. */
export const BOOTSTRAP_FORMATS = ["yaml", "json"] as const;
export type BootstrapFormat = (typeof BOOTSTRAP_FORMATS)[number];

export interface BootstrapOptions {
  readonly tenant: string;
  readonly stack?: string;
  readonly ciRoleArn?: string;
  readonly installation?: string;
  readonly format: BootstrapFormat;
}
