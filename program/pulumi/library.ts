// What a team's own Pulumi program needs to build the stack itself (`import … from
// "vaultpilot/stack"`), rather than running the shipped program (`vaultpilot/program`).
export { createStackResources, type StackInputs, type TenantResources } from "./stack.js";
export {
  readStackSettings,
  selectTenants,
  tenantSelected,
  StackConfigError,
  type StackSettings,
  type ConfigLookup,
  type ConfigValue,
} from "./settings.js";
