import type { PolicyModel } from "../../program/model.js";
import { UsageError } from "../io.js";

/**
 * The tenants a stack owns. Until the program's stack configuration lands, a stack named like
 * a tenant selects that tenant, and "all" selects every tenant.
 */
export function stackTenants(_cwd: string, stack: string, model: PolicyModel): Set<string> {
  if (stack === "all") return new Set(model.tenants.map((t) => t.name));
  if (model.tenants.some((t) => t.name === stack)) return new Set([stack]);
  throw new UsageError(`unknown stack "${stack}"`);
}
