// A worker thread of `plan` (dist/cli/plan-worker.js): runs the program under mocks over one
// slice of tenants at a time, as the main thread would (program-run.ts), and sends the resources back.
import { parentPort } from "node:worker_threads";
import { runSlice } from "./program-run.js";
import { DuplicateResourceError } from "./run-program.js";
import type { SliceReply, SliceRequest } from "./slice-pool.js";

const port = parentPort;
if (!port) throw new Error("plan-worker.js runs as a worker thread of vaultpilot plan");
port.on("message", (request: SliceRequest) => {
  runSlice(request.tenants, request.settings).then(
    (resources) => port.postMessage({ id: request.id, resources } satisfies SliceReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        error: {
          message: error instanceof Error ? error.message : String(error),
          duplicate: error instanceof DuplicateResourceError,
        },
      } satisfies SliceReply),
  );
});
