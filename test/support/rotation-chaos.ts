import { spawn } from "node:child_process";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from "@aws-sdk/client-lambda";
import type { CrashPoint } from "../../components/rotation/engine.js";
import { VERSION_VARIABLE } from "../../components/rotation/reload/lambda.js";
import type { DatabaseServer } from "./databases.js";
import { MOTO_CREDENTIALS, type MotoServer } from "./moto.js";
import { policyTree } from "./policy-tree.js";

/**
 * Real `vaultpilot rotate` processes against moto (with AWS's rules restored), PostgreSQL and
 * MariaDB: killed with SIGKILL at a crash point and run again, or two of one secret at once.
 * Shared by test/rotation/chaos.test.ts and `npm run bench:rotation`'s chaos run.
 */
export const CHAOS_STRATEGIES = [
  "postgres single",
  "postgres alternating",
  "mariadb alternating",
] as const;
export type ChaosStrategy = (typeof CHAOS_STRATEGIES)[number];

export interface ChaosWorld {
  readonly moto: MotoServer;
  readonly postgres: DatabaseServer;
  readonly mariadb: DatabaseServer;
  /** The alert topic the CLI publishes to, and the alerts delivered from it so far. */
  readonly topicArn: string;
  /** The role a consumer Lambda function is created with. */
  readonly roleArn: string;
}

/** One secret of one strategy, with its own users, policies and consumer Lambda function. */
export interface Trial {
  readonly strategy: ChaosStrategy;
  /** `acme/<name>`, as the CLI takes it. */
  readonly ref: string;
  readonly secretId: string;
  readonly db: DatabaseServer;
  readonly policies: string;
  readonly worker: string;
  readonly before: { readonly versionId: string; readonly value: Record<string, unknown> };
  readonly master?: Record<string, unknown>;
  remove(): void;
}

export interface CliOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

let trials = 0;

function clients(world: ChaosWorld) {
  const config = { ...MOTO_CREDENTIALS, endpoint: world.moto.endpoint };
  return { sm: new SecretsManagerClient(config), lambda: new LambdaClient(config) };
}

/** A fresh secret of `strategy`: new database users, the secret (and its master) in moto, policies. */
export async function newTrial(world: ChaosWorld, strategy: ChaosStrategy): Promise<Trial> {
  const n = ++trials;
  const name = `t${n}-db`;
  const user = `t${n}_app`;
  const worker = `acme-t${n}-worker`;
  const engine = strategy.startsWith("postgres") ? "postgres" : "mysql";
  const alternating = strategy.endsWith("alternating");
  const db = engine === "postgres" ? world.postgres : world.mariadb;
  const password = `first-${n}-password`;
  await db.createUser(user, password);
  const { sm, lambda } = clients(world);
  try {
    const base = {
      engine,
      host: db.host,
      port: db.port,
      ...(engine === "postgres" && { dbname: "postgres" }),
    };
    let master: Record<string, unknown> | undefined;
    let masterarn: string | undefined;
    if (alternating) {
      master = { ...base, username: db.admin.username, password: db.admin.password };
      masterarn = (
        await sm.send(
          new CreateSecretCommand({
            Name: `vaultpilot/acme/t${n}-admin`,
            SecretString: JSON.stringify(master),
          }),
        )
      ).ARN!;
    }
    const value = { ...base, username: user, password, ...(masterarn && { masterarn }) };
    const created = await sm.send(
      new CreateSecretCommand({
        Name: `vaultpilot/acme/${name}`,
        SecretString: JSON.stringify(value),
      }),
    );
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: worker,
        Runtime: "nodejs22.x",
        Role: world.roleArn,
        Handler: "index.handler",
        Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) },
      }),
    );
    const connection = (username: string, extra: string) =>
      `  connection:\n    host: "${db.host}"\n    port: ${db.port}\n` +
      (engine === "postgres" ? `    database: postgres\n` : "") +
      `    username: ${username}\n${extra}`;
    const tree = policyTree({
      "acme.yaml": `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata:
  name: acme
spec:
  plan: enterprise
  aws:
    account: "123456789012"
    region: us-east-1
---
apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata:
  name: monthly
spec:
  every: 30d
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata:
  name: t${n}-worker
  tenant: acme
spec:
  runtime: lambda
  reload:
    lambda: { function: ${worker} }
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: ${name}
  tenant: acme
spec:
  type: ${engine}
  schedule: monthly
  consumers: [t${n}-worker]
${connection(user, alternating ? `    strategy: alternating\n    masterSecret: t${n}-admin\n` : "    strategy: single\n")}${
        alternating
          ? `---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata:
  name: t${n}-admin
  tenant: acme
spec:
  type: ${engine}
  schedule: monthly
${connection(db.admin.username, "")}`
          : ""
      }`,
    });
    return {
      strategy,
      ref: `acme/${name}`,
      secretId: `vaultpilot/acme/${name}`,
      db,
      policies: tree.dir,
      worker,
      before: { versionId: created.VersionId!, value },
      ...(master && { master }),
      remove: tree.remove,
    };
  } finally {
    sm.destroy();
    lambda.destroy();
  }
}

/** `vaultpilot rotate` of the trial's secret as a process of its own (the built CLI under Node 22). */
export function rotateProcess(
  world: ChaosWorld,
  trial: Trial,
  options: { crashAt?: CrashPoint; claimTtlSeconds?: number } = {},
): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(
      "node_modules/node/bin/node",
      ["bin/vaultpilot.js", "rotate", trial.ref, "--policies", trial.policies],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH ?? "",
          AWS_ENDPOINT_URL: world.moto.endpoint,
          AWS_REGION: MOTO_CREDENTIALS.region,
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing",
          VAULTPILOT_ALERT_TOPIC_ARN: world.topicArn,
          VAULTPILOT_RETRY_DELAY_MS: "5",
          ...(options.crashAt && { VAULTPILOT_TEST_CRASH_AT: options.crashAt }),
          ...(options.claimTtlSeconds !== undefined && {
            VAULTPILOT_CLAIM_TTL_SECONDS: String(options.claimTtlSeconds),
          }),
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The exit status `rotate` gives when another run holds the claim. */
export const BUSY = 75;

/** Runs `rotate` again until it is not busy (a crashed run's claim expires); at most `tries` times. */
export async function rerunUntilNotBusy(
  world: ChaosWorld,
  trial: Trial,
  tries = 40,
): Promise<CliOutcome> {
  for (let n = 1; ; n++) {
    const outcome = await rotateProcess(world, trial);
    if (outcome.code !== BUSY || n >= tries) return outcome;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every version of the trial's secret with its staging labels, claim versions included. */
export async function stagesOf(world: ChaosWorld, trial: Trial): Promise<Record<string, string[]>> {
  const { sm } = clients(world);
  try {
    const listed = await sm.send(
      new ListSecretVersionIdsCommand({ SecretId: trial.secretId, IncludeDeprecated: true }),
    );
    return Object.fromEntries(
      (listed.Versions ?? []).map((v) => [v.VersionId!, v.VersionStages ?? []]),
    );
  } finally {
    sm.destroy();
  }
}

/**
 * Every invariant the rotation must keep once no run is left, as one message each when broken:
 * exactly one AWSCURRENT, carrying no other label; no AWSPENDING; no claim left; AWSCURRENT logs
 * in; the master secret logs in; AWSPREVIOUS holds the value AWSCURRENT had before the last
 * rotation (`previousOneOf`: the versions that may have been current just before); single-user:
 * the first password no longer logs in; the consumer was reloaded onto AWSCURRENT.
 */
export async function brokenInvariants(
  world: ChaosWorld,
  trial: Trial,
  previousOneOf: readonly string[] = [trial.before.versionId],
): Promise<string[]> {
  const broken: string[] = [];
  const stages = await stagesOf(world, trial);
  const holders = (label: string) => Object.keys(stages).filter((v) => stages[v]!.includes(label));
  const current = holders("AWSCURRENT");
  if (current.length !== 1) broken.push(`${current.length} versions hold AWSCURRENT`);
  if (holders("AWSPENDING").length > 0) broken.push("AWSPENDING is left on a version");
  if (holders("VAULTPILOT_CLAIM").length > 0) broken.push("a claim is left on the secret");
  const currentId = current[0];
  if (currentId && stages[currentId]!.length !== 1)
    broken.push(`AWSCURRENT's version also holds ${stages[currentId]!.join(",")}`);
  const previous = holders("AWSPREVIOUS");
  if (previous.length !== 1 || !previousOneOf.includes(previous[0]!))
    broken.push(
      `AWSPREVIOUS is ${previous.join(",") || "nowhere"}, not one of ${previousOneOf.join(",")}`,
    );
  const { sm, lambda } = clients(world);
  try {
    const value = async (VersionStage: string) =>
      JSON.parse(
        (await sm.send(new GetSecretValueCommand({ SecretId: trial.secretId, VersionStage })))
          .SecretString!,
      ) as { username: string; password: string };
    const now = await value("AWSCURRENT");
    if (!(await trial.db.canLogin(now.username, now.password)))
      broken.push("AWSCURRENT does not log in");
    const master = trial.master ?? {
      username: trial.db.admin.username,
      password: trial.db.admin.password,
    };
    if (!(await trial.db.canLogin(master.username as string, master.password as string)))
      broken.push("the master secret does not log in");
    if (
      trial.strategy === "postgres single" &&
      currentId !== trial.before.versionId &&
      (await trial.db.canLogin(now.username, trial.before.value.password as string))
    )
      broken.push("the first password still logs in after a single-user rotation");
    const reloaded = (
      await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: trial.worker }))
    ).Environment?.Variables?.[VERSION_VARIABLE];
    if (currentId !== trial.before.versionId && reloaded !== currentId)
      broken.push(
        `the consumer was reloaded onto ${reloaded ?? "nothing"}, not AWSCURRENT ${currentId}`,
      );
  } finally {
    sm.destroy();
    lambda.destroy();
  }
  return broken;
}

/**
 * Kills a rotation with SIGKILL at `point`, then runs `rotate` again until it is not busy. Returns
 * the broken invariants, with "the process did not die at <point>" when the crash did not happen,
 * and the rerun's failure when it did not rotate. A rerun that finds a rotation the killed run left
 * must finish that one: AWSCURRENT ends on the version the killed run had staged AWSPENDING.
 */
export async function crashTrial(
  world: ChaosWorld,
  trial: Trial,
  point: CrashPoint,
): Promise<string[]> {
  const killed = await rotateProcess(world, trial, { crashAt: point, claimTtlSeconds: 0.3 });
  if (killed.signal !== "SIGKILL")
    return [
      `the process did not die at ${point} (exit ${killed.code}): ${killed.stderr.trim().split("\n").pop()}`,
    ];
  const left = await stagesOf(world, trial);
  const staged = Object.keys(left).find((v) => left[v]!.includes("AWSPENDING"));
  const leftCurrent = Object.keys(left).find((v) => left[v]!.includes("AWSCURRENT"));
  const rerun = await rerunUntilNotBusy(world, trial);
  if (rerun.code !== 0)
    return [`the rerun exited ${rerun.code}: ${rerun.stderr.trim().split("\n").pop()}`];
  // Killed after its rotation completed (only the claim's release was left): the rerun rotates
  // anew, from the killed run's version.
  const completed = !staged && leftCurrent !== trial.before.versionId;
  const broken = await brokenInvariants(world, trial, [
    completed ? leftCurrent! : trial.before.versionId,
  ]);
  const after = await stagesOf(world, trial);
  const current = Object.keys(after).find((v) => after[v]!.includes("AWSCURRENT"));
  if (staged && current !== staged)
    broken.push(
      `the rerun did not finish the interrupted rotation of ${staged} (AWSCURRENT is ${current})`,
    );
  return broken;
}

/**
 * Two `rotate` processes of one secret, the second started `staggerMs` after the first. Each must
 * exit 0 (rotated) or 75 (busy, nothing changed), at least one 0, and every invariant hold.
 */
export async function concurrentPair(
  world: ChaosWorld,
  trial: Trial,
  staggerMs: number,
): Promise<string[]> {
  const first = rotateProcess(world, trial);
  await new Promise((r) => setTimeout(r, staggerMs));
  const second = rotateProcess(world, trial);
  const outcomes = await Promise.all([first, second]);
  const broken: string[] = [];
  for (const o of outcomes) {
    if (o.code !== 0 && o.code !== BUSY)
      broken.push(`a run exited ${o.code ?? o.signal}: ${o.stderr.trim().split("\n").pop()}`);
  }
  const made = outcomes.flatMap((o) => /version (\S+) is AWSCURRENT/.exec(o.stdout)?.[1] ?? []);
  if (made.length === 0) broken.push("neither run rotated");
  // Two runs one after the other both rotate: AWSPREVIOUS is then the version the first made.
  const stages = await stagesOf(world, trial);
  const current = Object.keys(stages).find((v) => stages[v]!.includes("AWSCURRENT"));
  if (current && made.length > 0 && !made.includes(current))
    broken.push(`AWSCURRENT ${current} is not a version either run reported`);
  const previousOneOf =
    made.length === 2 ? made.filter((v) => v !== current) : [trial.before.versionId];
  return [...broken, ...(await brokenInvariants(world, trial, previousOneOf))];
}
