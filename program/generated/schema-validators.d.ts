// Types of the generated schema validators (scripts/compile-schemas.mjs): one per document kind.
import type { ValidateFunction } from "ajv";

export declare const Tenant: ValidateFunction;
export declare const RotationSchedule: ValidateFunction;
export declare const Secret: ValidateFunction;
export declare const Service: ValidateFunction;
