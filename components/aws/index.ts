export * from "./component.js";
export * from "./managed-secret.js";
export * from "./rotation-alarms.js";
export * from "./rotation-function.js";
export * from "./tenant-access-role.js";
export * from "./tenant-key.js";
