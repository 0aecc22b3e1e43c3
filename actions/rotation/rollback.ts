import { createEngine } from "../../components/rotation/runtime.js";
import { EXIT, type CliIO } from "../io.js";
import { cliRuntime, loadSecretConfig, oneLine, parseRef } from "./shared.js";

export async function rollbackCommand(
  ref: string,
  options: { policies: string; reload: boolean; to?: string },
  io: CliIO,
): Promise<number> {
  const target = parseRef(ref);
  const config = loadSecretConfig(target, options, io);
  const engine = createEngine(target.secretId, config, cliRuntime(io));
  try {
    const { from, to } = await engine.rollbackTo(options.to);
    io.stdout(
      from === to
        ? `${target.secretId}: version ${to} is already AWSCURRENT; nothing to do\n`
        : `rolled back ${target.secretId}: version ${to} is AWSCURRENT again (was ${from})\n`,
    );
    return EXIT.clean;
  } catch (error) {
    io.stderr(`vaultpilot: ${oneLine(engine.describeError(error))}\n`);
    return EXIT.findings;
  }
}
