// Starts moto's server for a benchmark: the tests' own starter (test/support/moto.ts: free
// loopback port, log to a file, waits until it answers), bundled for plain Node.
import { importTypeScript } from "../scripts/import-typescript.mjs";

const support = await importTypeScript(
  "moto-support",
  `export { startMoto, MOTO_CREDENTIALS } from "./test/support/moto.ts";`,
);

/** @returns {Promise<{ endpoint: string, reset(): Promise<void>, configure(c: object): Promise<void>, stop(): Promise<void> }>} */
export const startMoto = (options = {}) => support.startMoto(options);
export const MOTO_CREDENTIALS = support.MOTO_CREDENTIALS;
