import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRASH_POINTS, type CrashPoint } from "../../components/rotation/engine.js";
import { buildCli, withBuiltCli } from "../support/built-cli.js";
import { startMariadb, startPostgres, type DatabaseServer } from "../support/databases.js";
import { startMoto, type MotoServer } from "../support/moto.js";
import {
  CHAOS_STRATEGIES,
  concurrentPair,
  crashTrial,
  newTrial,
  type ChaosWorld,
} from "../support/rotation-chaos.js";
import { RotationHarness } from "./harness.js";

/** Pairs of concurrent runs per strategy (VAULTPILOT_CHAOS_PAIRS for more). */
const PAIRS = Number(process.env.VAULTPILOT_CHAOS_PAIRS ?? 6);

let moto: MotoServer;
let postgres: DatabaseServer;
let mariadb: DatabaseServer;
let harness: RotationHarness;
let world: ChaosWorld;

beforeAll(async () => {
  buildCli();
  [moto, postgres, mariadb] = await Promise.all([
    startMoto({ awsRules: true }),
    startPostgres(),
    startMariadb(),
  ]);
  harness = new RotationHarness(moto);
  await harness.prepare();
  const role = (
    await harness.clients.lambda().send(
      new (await import("@aws-sdk/client-lambda")).GetFunctionConfigurationCommand({
        FunctionName: "vaultpilot-rotation",
      }),
    )
  ).Role!;
  world = { moto, postgres, mariadb, topicArn: harness.topicArn, roleArn: role };
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await Promise.all([moto?.stop(), postgres?.stop(), mariadb?.stop()]);
});

describe.each(CHAOS_STRATEGIES)("rotate killed with SIGKILL and run again: %s", (strategy) => {
  const points: readonly CrashPoint[] = CRASH_POINTS;
  it.each(points)(
    "dies at %s, and the rerun finishes the rotation with every invariant kept",
    async (point) => {
      const trial = await newTrial(world, strategy);
      try {
        const broken = await withBuiltCli(() => crashTrial(world, trial, point));
        expect(broken).toEqual([]);
      } finally {
        trial.remove();
      }
    },
    60_000,
  );
});

describe.each(CHAOS_STRATEGIES)("two rotate processes of one secret at once: %s", (strategy) => {
  it(`keeps every invariant over ${PAIRS} pairs started 0 to 300 ms apart, one rotating and the other busy or after it`, async () => {
    const failures: string[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const stagger = Math.floor(Math.random() * 300);
      const trial = await newTrial(world, strategy);
      try {
        const broken = await withBuiltCli(() => concurrentPair(world, trial, stagger));
        failures.push(...broken.map((b) => `pair ${pair} (stagger ${stagger} ms): ${b}`));
      } finally {
        trial.remove();
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);
});

describe("alerts during the chaos runs", () => {
  it("sends none: every rotation ended rotated or busy, never failed", async () => {
    await new Promise((r) => setTimeout(r, 500));
    expect(harness.alerts).toEqual([]);
  });
});
