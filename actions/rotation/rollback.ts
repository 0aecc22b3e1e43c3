import { RotationBusy, SecretMissing } from "../../components/rotation/engine.js";
import { createEngine } from "../../components/rotation/runtime.js";
import { EXIT, type CliIO } from "../io.js";
import { regionOf } from "./rotate.js";
import {
  auditSink,
  cliRuntime,
  EXIT_BUSY,
  loadSecretConfig,
  oneLine,
  parseRef,
  type OutputOptions,
} from "./shared.js";

export async function rollbackCommand(
  ref: string,
  options: { policies: string; reload: boolean; to?: string } & OutputOptions,
  io: CliIO,
): Promise<number> {
  const target = parseRef(ref);
  const config = loadSecretConfig(target, options, io);
  const engine = createEngine(target.secretId, config, cliRuntime(io, auditSink(io, options)));
  try {
    const { from, to } = await engine.rollbackTo(options.to);
    if (!options.quiet) {
      io.stdout(
        from === to
          ? `${target.secretId}: version ${to} is already AWSCURRENT; nothing to do\n`
          : `rolled back ${target.secretId}: version ${to} is AWSCURRENT again (was ${from})\n`,
      );
    }
    return EXIT.clean;
  } catch (error) {
    if (error instanceof SecretMissing) {
      io.stderr(
        `vaultpilot: secret ${target.secretId} is not in Secrets Manager (${regionOf(io)}); nothing was rolled back\n`,
      );
      return EXIT.findings;
    }
    io.stderr(`vaultpilot: ${oneLine(engine.describeError(error))}\n`);
    return error instanceof RotationBusy ? EXIT_BUSY : EXIT.findings;
  }
}
