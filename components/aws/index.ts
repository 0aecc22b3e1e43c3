export * from "./component.js";
export * from "./encrypted-log-group.js";
export * from "./endpoint-protection.js";
export * from "./managed-secret.js";
// Names and policy documents are shared with the live reader and the commands (cloud/aws/); the
// package's "vaultpilot/components" entry has always offered them beside the components.
export * from "../../cloud/aws/naming.js";
export * from "../../cloud/aws/policy-document.js";
export * from "./rotation-alarms.js";
export * from "./rotation-function.js";
export * from "./tenant-access-role.js";
export * from "./tenant-backup.js";
export * from "./tenant-key.js";
