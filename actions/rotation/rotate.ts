import { RotationBusy, RotationError, SecretMissing } from "../../components/rotation/engine.js";
import { createEngine } from "../../components/rotation/runtime.js";
import { EXIT, type CliIO } from "../io.js";
import {
  auditSink,
  cliRuntime,
  EXIT_BUSY,
  loadSecretConfig,
  oneLine,
  parseRef,
  type OutputOptions,
} from "./shared.js";

export async function rotateCommand(
  ref: string,
  options: { policies: string; reload: boolean; alertTopic?: string } & OutputOptions,
  io: CliIO,
): Promise<number> {
  const target = parseRef(ref);
  const config = loadSecretConfig(target, options, io);
  const engine = createEngine(target.secretId, config, cliRuntime(io, auditSink(io, options)));
  try {
    const { versionId, resumed } = await engine.rotate();
    if (!options.quiet) {
      io.stdout(
        resumed
          ? `rotated ${target.secretId}: finished the interrupted rotation; version ${versionId} is AWSCURRENT\n`
          : `rotated ${target.secretId}: version ${versionId} is AWSCURRENT\n`,
      );
    }
    return EXIT.clean;
  } catch (error) {
    if (error instanceof SecretMissing) {
      io.stderr(
        `vaultpilot: secret ${target.secretId} is not in Secrets Manager (${regionOf(io)}); nothing was rotated\n`,
      );
      return EXIT.findings;
    }
    const message = error instanceof RotationError ? error.message : engine.describeError(error);
    io.stderr(`vaultpilot: ${oneLine(message)}\n`);
    return error instanceof RotationBusy ? EXIT_BUSY : EXIT.findings;
  }
}

/** The region (and endpoint, when set) the SDK was pointed at, for "not found" messages. */
export function regionOf(io: CliIO): string {
  const region = io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? "the default region";
  return io.env.AWS_ENDPOINT_URL ? `${region} at ${io.env.AWS_ENDPOINT_URL}` : region;
}
