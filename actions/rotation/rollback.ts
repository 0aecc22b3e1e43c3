import { RotationBusy, SecretMissing } from "../../components/rotation/engine.js";
import { createEngine } from "../../components/rotation/runtime.js";
import { EXIT, type CliIO } from "../io.js";
import {
  auditSink,
  cliRuntime,
  EXIT_BUSY,
  storeUnavailable,
  loadSecret,
  oneLine,
  parseRef,
  type OutputOptions,
} from "./shared.js";
import { secretPlace } from "./store.js";

export async function rollbackCommand(
  ref: string,
  options: { policies: string; reload: boolean; to?: string } & OutputOptions,
  io: CliIO,
): Promise<number> {
  const target = parseRef(ref);
  const { config, store } = loadSecret(target, options, io);
  const place = secretPlace(store, target, io);
  const engine = createEngine(place.secretId, config, {
    ...cliRuntime(io, auditSink(io, options)),
    ...(place.store && { store: place.store }),
  });
  try {
    const { from, to } = await engine.rollbackTo(options.to);
    if (!options.quiet) {
      io.stdout(
        from === to
          ? `${place.secretId}: version ${to} is already ${place.stageName("current")}; nothing to do\n`
          : `rolled back ${place.secretId}: version ${to} is ${place.stageName("current")} again (was ${from})\n`,
      );
    }
    return EXIT.clean;
  } catch (error) {
    if (error instanceof SecretMissing) {
      io.stderr(
        `vaultpilot: secret ${place.secretId} is not in ${place.where}; nothing was rolled back\n`,
      );
      return EXIT.findings;
    }
    io.stderr(`vaultpilot: ${oneLine(engine.describeError(error))}\n`);
    if (storeUnavailable(error)) return EXIT.failed;
    return error instanceof RotationBusy ? EXIT_BUSY : EXIT.findings;
  }
}
