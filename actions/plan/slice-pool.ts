import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Tenant } from "../../program/model.js";
import type { StackSettings } from "../../program/pulumi/settings.js";
import type { SubjectResource } from "./resources.js";
import { DuplicateResourceError } from "./run-program.js";

/** What the main thread sends a worker: one slice of tenants, without functions (see detach). */
export interface SliceRequest {
  readonly id: number;
  readonly tenants: readonly Tenant[];
  readonly settings: StackSettings;
}
export type SliceReply =
  | { readonly id: number; readonly resources: SubjectResource[] }
  | {
      readonly id: number;
      readonly error: { readonly message: string; readonly duplicate: boolean };
    };

/**
 * The worker's file in the build: dist/cli/plan-worker.js (scripts/build.mjs), found beside the
 * module that holds this code, which esbuild puts in dist/ (a chunk) or dist/cli/. Absent where
 * the code runs from source (tests) or from the action's one-file bundle: slices then run in the
 * calling thread.
 */
export function workerEntry(base: string = import.meta.url): string | undefined {
  for (const candidate of ["./cli/plan-worker.js", "./plan-worker.js"]) {
    const path = fileURLToPath(new URL(candidate, base));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * A copy of `value` without function-valued fields (a model's `source.at`, which a worker cannot
 * receive and the program never reads), keeping shared references shared, as structured clone does.
 */
export function detach<T>(value: T, seen = new Map<object, unknown>()): T {
  if (typeof value !== "object" || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(detach(item, seen));
    return out as T;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(detach(k, seen), detach(v, seen));
    return out as T;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(detach(v, seen));
    return out as T;
  }
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, field] of Object.entries(value)) {
    if (typeof field !== "function") out[key] = detach(field, seen);
  }
  return out as T;
}

interface Job {
  readonly request: SliceRequest;
  readonly resolve: (resources: SubjectResource[]) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  job?: Job;
}

/**
 * At most `size` worker threads, each running one slice at a time, started as slices arrive: a
 * plan holds at most `size` slices under mocks at once, whatever the number of tenants.
 */
export class SlicePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly entry: string,
    readonly size: number,
  ) {}

  /** A pool, or undefined where there is no worker entry (source, action bundle) or size < 2. */
  static open(size: number, entry = workerEntry()): SlicePool | undefined {
    return size > 1 && entry ? new SlicePool(entry, size) : undefined;
  }

  run(tenants: readonly Tenant[], settings: StackSettings): Promise<SubjectResource[]> {
    if (this.closed) return Promise.reject(new Error("the plan's worker pool is closed"));
    return new Promise((resolve, reject) => {
      const request: SliceRequest = {
        id: this.nextId++,
        tenants: detach(tenants),
        settings: detach(settings),
      };
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error("the plan's worker pool closed"));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    this.slots.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (!slot && this.slots.length < this.size) slot = this.start();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.request);
    }
  }

  private start(): Slot {
    const worker = new Worker(this.entry);
    const slot: Slot = { worker };
    worker.on("message", (reply: SliceReply) => {
      const job = slot.job;
      if (!job || job.request.id !== reply.id) return;
      slot.job = undefined;
      if ("error" in reply) {
        const { message, duplicate } = reply.error;
        job.reject(duplicate ? new DuplicateResourceError(message) : new Error(message));
      } else {
        job.resolve(reply.resources);
      }
      this.dispatch();
    });
    const fail = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      slot.job?.reject(error);
      slot.job = undefined;
      if (!this.closed) this.dispatch();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!this.closed) fail(new Error(`a plan worker thread exited (code ${code})`));
    });
    this.slots.push(slot);
    return slot;
  }
}
