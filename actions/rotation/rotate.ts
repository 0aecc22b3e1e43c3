import { RotationError } from "../../components/rotation/engine.js";
import { createEngine } from "../../components/rotation/runtime.js";
import { EXIT, type CliIO } from "../io.js";
import { cliRuntime, loadSecretConfig, oneLine, parseRef } from "./shared.js";

export async function rotateCommand(
  ref: string,
  options: { policies: string; reload: boolean; alertTopic?: string },
  io: CliIO,
): Promise<number> {
  const target = parseRef(ref);
  const config = loadSecretConfig(target, options, io);
  const engine = createEngine(target.secretId, config, cliRuntime(io));
  try {
    const version = await engine.rotate();
    io.stdout(`rotated ${target.secretId}: version ${version} is AWSCURRENT\n`);
    return EXIT.clean;
  } catch (error) {
    const message = error instanceof RotationError ? error.message : engine.describeError(error);
    io.stderr(`vaultpilot: ${oneLine(message)}\n`);
    return EXIT.findings;
  }
}
