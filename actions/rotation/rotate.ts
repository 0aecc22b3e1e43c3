import { RotationBusy, RotationError, SecretMissing } from "../../components/rotation/engine.js";
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

export async function rotateCommand(
  ref: string,
  options: { policies: string; reload: boolean; alertTopic?: string } & OutputOptions,
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
    const { versionId, resumed } = await engine.rotate();
    if (!options.quiet) {
      io.stdout(
        resumed
          ? `rotated ${place.secretId}: finished the interrupted rotation; version ${versionId} is ${place.stageName("current")}\n`
          : `rotated ${place.secretId}: version ${versionId} is ${place.stageName("current")}\n`,
      );
    }
    return EXIT.clean;
  } catch (error) {
    if (error instanceof SecretMissing) {
      io.stderr(
        `vaultpilot: secret ${place.secretId} is not in ${place.where}; nothing was rotated\n`,
      );
      return EXIT.findings;
    }
    const message = error instanceof RotationError ? error.message : engine.describeError(error);
    io.stderr(`vaultpilot: ${oneLine(message)}\n`);
    if (storeUnavailable(error)) return EXIT.failed;
    return error instanceof RotationBusy ? EXIT_BUSY : EXIT.findings;
  }
}

export { regionOf } from "./store.js";
