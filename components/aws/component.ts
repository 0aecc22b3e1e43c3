import * as pulumi from "@pulumi/pulumi";

/** What a component belongs to in the policies: the plan reads it to say which tenant, secret or service a change touches. */
export interface Subject {
  readonly tenant: string;
  readonly secret?: string;
  readonly service?: string;
  /** Set on rotation functions: they serve every secret of this type. */
  readonly secretType?: string;
}

/** A ComponentResource that remembers its type token, name and subject (Pulumi keeps those internal). */
export abstract class VaultpilotComponent extends pulumi.ComponentResource {
  constructor(
    readonly typeToken: string,
    readonly logicalName: string,
    readonly subject: Subject,
    opts: pulumi.ComponentResourceOptions | undefined,
  ) {
    super(typeToken, logicalName, {}, opts);
  }
}
