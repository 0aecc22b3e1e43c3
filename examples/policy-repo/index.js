// The whole Pulumi program: VaultPilot's, run on this repository's policies and the stack's
// settings (Pulumi.<stack>.yaml). Its exports are the stack's outputs.
export * from "vaultpilot/program";
