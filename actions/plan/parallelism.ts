import { availableParallelism } from "node:os";
import { UsageError } from "../io.js";

/** How a plan runs the program's slices: how many tenants a slice holds, and how many run at once. */
export interface Parallelism {
  /**
   * Worker threads, each running one slice at a time; 1 runs every slice in the CLI's own thread.
   * @default - min(cores, 4) on a machine with more than one core, else 1
   */
  readonly workers: number;
  /**
   * Tenants per run of the program under mocks: Pulumi holds every resource of a run until it
   * ends, so the slice bounds each thread's memory (about 70 MB a slice of 25 tenants of 20
   * secrets, bench:program).
   * @default 25
   */
  readonly sliceTenants: number;
}

/** Four workers at most: each holds a Pulumi runtime and a slice (a few hundred MB at peak). */
export const MAX_DEFAULT_WORKERS = 4;
export const DEFAULT_SLICE_TENANTS = 25;

/** The parallelism of the environment: VAULTPILOT_PLAN_WORKERS and VAULTPILOT_PLAN_SLICE_TENANTS override the defaults. */
export function parallelismFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  cores: number = availableParallelism(),
): Parallelism {
  const count = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    if (!/^[1-9][0-9]{0,3}$/.test(text.trim())) {
      throw new UsageError(
        `${name} must be a whole number from 1 to 9999, got "${text}"; unset it for the default (${fallback})`,
      );
    }
    return Number(text);
  };
  return {
    workers: count("VAULTPILOT_PLAN_WORKERS", cores > 1 ? Math.min(cores, MAX_DEFAULT_WORKERS) : 1),
    sliceTenants: count("VAULTPILOT_PLAN_SLICE_TENANTS", DEFAULT_SLICE_TENANTS),
  };
}

/** A plan's default when nothing says otherwise (the library's callers): one thread, slices of 25. */
export const SERIAL: Parallelism = { workers: 1, sliceTenants: DEFAULT_SLICE_TENANTS };
