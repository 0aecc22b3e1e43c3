// npm run bench:rotation: per secret type, the median time of a whole rotation (RotateSecret, then
// the four steps through the built Lambda bundle) over 10 runs against local moto, PostgreSQL and
// MariaDB; the AWS API calls the function makes per rotation, counted with SDK middleware; and the
// bundle's size: what every rotation loads (index.mjs and the chunks it imports statically) and what
// ships (the whole directory). Targets: single-user postgres at most 1 s, what every rotation loads
// at most 500 KB.
// Then a chaos run (BENCH_CHAOS=0 skips it): per database strategy, a real `vaultpilot rotate`
// killed with SIGKILL at every crash point (BENCH_CHAOS_ROUNDS times, default 1) and run again, and
// BENCH_CHAOS_PAIRS (default 8) pairs of concurrent runs of one secret 0-300 ms apart; it prints the
// kills and pairs tried and whether every invariant held (test/support/rotation-chaos.ts).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { importTypeScript } from "../scripts/import-typescript.mjs";
import {
  IAMClient,
  CreateRoleCommand,
  CreateUserCommand,
  CreateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import {
  LambdaClient,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import {
  SecretsManagerClient,
  CreateSecretCommand,
  RotateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
} from "@aws-sdk/client-secrets-manager";

const runs = Number(process.env.BENCH_RUNS ?? 10);
const root = process.cwd();
const bundleDir = join(root, "dist", "rotation");
const bundlePath = join(bundleDir, "index.mjs");
/** index.mjs and the chunks it imports statically, transitively: what every rotation loads. */
function loadedFiles(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, chunk] of readFileSync(join(bundleDir, file), "utf8").matchAll(
    /(?:from|import)\s*"\.\/(chunk-[A-Z0-9]+\.mjs)"/g,
  ))
    loadedFiles(chunk, seen);
  return seen;
}
const sizeOf = (file) => statSync(join(bundleDir, file)).size;
const bundleBytes = [...loadedFiles("index.mjs")].reduce((sum, f) => sum + sizeOf(f), 0);
const shippedBytes = readdirSync(bundleDir)
  .filter((f) => f.endsWith(".mjs"))
  .reduce((sum, f) => sum + sizeOf(f), 0);

// The test support (moto, PostgreSQL, MariaDB starters) is TypeScript: bundle it for this script.
const {
  startMoto,
  startPostgres,
  startMariadb,
  RotationHarness,
  CHAOS_STRATEGIES,
  CRASH_POINTS,
  newTrial,
  crashTrial,
  concurrentPair,
} = await importTypeScript(
  "rotation-support",
  `export { startMoto } from "./test/support/moto.ts"; export { startPostgres, startMariadb } from "./test/support/databases.ts";
   export { RotationHarness } from "./test/rotation/harness.ts"; export { CRASH_POINTS } from "./components/rotation/engine.ts";
   export { CHAOS_STRATEGIES, newTrial, crashTrial, concurrentPair } from "./test/support/rotation-chaos.ts";`,
);
const { handleRotationEvent } = await import(pathToFileURL(bundlePath).href);

const [moto, pg, maria] = await Promise.all([
  startMoto({ awsRules: true }),
  startPostgres(),
  startMariadb(),
]);
const aws = {
  region: "us-east-1",
  endpoint: moto.endpoint,
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
};
const sm = new SecretsManagerClient(aws);
const iam = new IAMClient(aws);
const lambda = new LambdaClient(aws);

try {
  await moto.configure({ lambda: { use_docker: false } });
  const role = await iam.send(
    new CreateRoleCommand({ RoleName: "rotation", AssumeRolePolicyDocument: "{}" }),
  );
  const fn = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: "vaultpilot-rotation",
      Runtime: "nodejs22.x",
      Role: role.Role.Arn,
      Handler: "index.handler",
      Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) },
    }),
  );

  const admin = async (db, name) =>
    (
      await sm.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify({
            engine: db.engine,
            host: db.host,
            port: db.port,
            username: db.admin.username,
            password: db.admin.password,
          }),
        }),
      )
    ).ARN;
  const database = (db, strategy) => async (name) => {
    await db.createUser("bench", "initial-password");
    const masterarn = strategy === "alternating" ? await admin(db, `${name}-admin`) : undefined;
    return {
      value: {
        engine: db.engine,
        host: db.host,
        port: db.port,
        username: "bench",
        password: "initial-password",
        ...(db.engine === "postgres" && { dbname: "postgres" }),
        ...(masterarn && { masterarn }),
      },
      config: { type: db.engine, strategy },
    };
  };
  let userCount = 0;
  const cases = [
    ["postgres single", database(pg, "single")],
    ["postgres alternating", database(pg, "alternating")],
    ["mysql single", database(maria, "single")],
    ["mysql alternating", database(maria, "alternating")],
    ["api-key", async () => ({ value: { apiKey: "initial" }, config: { type: "api-key" } })],
    ["webhook", async () => ({ value: { signingSecret: "initial" }, config: { type: "webhook" } })],
    ["generic", async () => ({ value: { value: "initial" }, config: { type: "generic" } })],
    [
      "aws-iam-key",
      async () => {
        const userName = `bench-${++userCount}`;
        await iam.send(new CreateUserCommand({ UserName: userName }));
        const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
        return {
          value: { userName, accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
          config: { type: "aws-iam-key" },
        };
      },
    ],
  ];

  const rows = [];
  for (const [label, make] of cases) {
    // The Pulumi program's name for secret <label> of tenant "bench" (cloud/aws/naming.ts secretName).
    const name = `vaultpilot/bench/${label.replace(/ /g, "-")}`;
    const { value, config } = await make(name);
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
    const handlerConfig = {
      secrets: { [name]: { tenant: "bench", name: label.replace(/ /g, "-"), ...config } },
    };
    const times = [];
    const calls = [];
    for (let run = 0; run < runs; run++) {
      let count = 0;
      const started = process.hrtime.bigint();
      const token = (
        await sm.send(
          new RotateSecretCommand({
            SecretId: name,
            RotationLambdaARN: fn.FunctionArn,
            RotationRules: { AutomaticallyAfterDays: 30 },
          }),
        )
      ).VersionId;
      for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) {
        await handleRotationEvent(
          { Step, SecretId: name, ClientRequestToken: token },
          handlerConfig,
          {
            aws: { ...aws, onCall: () => count++ },
            audit: () => {},
          },
        );
      }
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      calls.push(count);
      const current = await sm.send(
        new GetSecretValueCommand({ SecretId: name, VersionStage: "AWSCURRENT" }),
      );
      if (current.VersionId !== token) throw new Error(`${label}: rotation ${run} did not finish`);
    }
    times.sort((a, b) => a - b);
    const median = (times[Math.floor((runs - 1) / 2)] + times[Math.ceil((runs - 1) / 2)]) / 2;
    rows.push({
      label,
      median,
      min: times[0],
      max: times[runs - 1],
      calls: calls.reduce((a, b) => a + b, 0) / runs,
    });
  }

  console.log(
    `rotation, ${runs} runs per type (local moto + PostgreSQL 15 + MariaDB), through dist/rotation/index.mjs`,
  );
  console.log(
    `${"type".padEnd(22)}${"median ms".padStart(10)}${"min".padStart(8)}${"max".padStart(8)}${"AWS calls".padStart(11)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(22)}${r.median.toFixed(0).padStart(10)}${r.min.toFixed(0).padStart(8)}${r.max.toFixed(0).padStart(8)}${r.calls.toFixed(1).padStart(11)}`,
    );
  }
  const pgSingle = rows.find((r) => r.label === "postgres single");
  console.log(
    `postgres single-user: median ${pgSingle.median.toFixed(0)} ms = ${(pgSingle.median / 1000).toFixed(2)}× the 1 s target`,
  );
  console.log(
    `bundle dist/rotation/index.mjs with its static imports (every rotation loads it): ${(bundleBytes / 1024).toFixed(1)} KB = ${(bundleBytes / 1024 / 500).toFixed(2)}× the 500 KB target`,
  );
  console.log(`bundle dist/rotation (what ships): ${(shippedBytes / 1024).toFixed(1)} KB`);
  if (process.env.BENCH_CHAOS !== "0") await chaos();
} finally {
  sm.destroy();
  iam.destroy();
  lambda.destroy();
  await Promise.all([moto.stop(), pg.stop(), maria.stop()]);
}

/** Kills and concurrent pairs per strategy against the same moto and databases; exits 1 if an invariant broke. */
async function chaos() {
  const rounds = Number(process.env.BENCH_CHAOS_ROUNDS ?? 1);
  const pairs = Number(process.env.BENCH_CHAOS_PAIRS ?? 8);
  // A fresh moto: the rotation role, the rotation function and an alert topic subscribed over HTTP.
  await moto.reset();
  const harness = new RotationHarness(moto);
  await harness.prepare();
  const roleArn = (
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "vaultpilot-rotation" }))
  ).Role;
  const world = {
    moto,
    postgres: pg,
    mariadb: maria,
    topicArn: harness.topicArn,
    roleArn,
  };
  console.log(
    `\nchaos: real vaultpilot rotate processes, SIGKILL at each of ${CRASH_POINTS.length} crash points x ${rounds} then rerun; ${pairs} concurrent pairs (0-300 ms apart)`,
  );
  console.log(
    `${"strategy".padEnd(22)}${"kills".padStart(7)}${"pairs".padStart(7)}${"both rotated".padStart(14)}${"broken".padStart(8)}`,
  );
  const broken = [];
  for (const strategy of CHAOS_STRATEGIES) {
    let kills = 0;
    let tried = 0;
    let both = 0;
    const before = broken.length;
    for (let round = 0; round < rounds; round++) {
      for (const point of CRASH_POINTS) {
        const trial = await newTrial(world, strategy);
        kills++;
        for (const b of await crashTrial(world, trial, point))
          broken.push(`${strategy}, kill at ${point}: ${b}`);
        trial.remove();
      }
    }
    for (let n = 0; n < pairs; n++) {
      const trial = await newTrial(world, strategy);
      tried++;
      const stagger = Math.floor(Math.random() * 300);
      for (const b of await concurrentPair(world, trial, stagger))
        broken.push(`${strategy}, pair ${n} (${stagger} ms): ${b}`);
      const rotated = Object.values(
        (
          await sm.send(
            new ListSecretVersionIdsCommand({ SecretId: trial.secretId, IncludeDeprecated: true }),
          )
        ).Versions ?? [],
      ).filter((v) => !v.VersionId.startsWith("vaultpilot-claim-")).length;
      if (rotated === 3) both++;
      trial.remove();
    }
    console.log(
      `${strategy.padEnd(22)}${String(kills).padStart(7)}${String(tried).padStart(7)}${String(both).padStart(14)}${String(broken.length - before).padStart(8)}`,
    );
  }
  await harness.waitForAlerts(1);
  if (harness.alerts.length > 0)
    broken.push(`${harness.alerts.length} alert(s) sent: ${harness.alerts[0].Subject}`);
  await harness.close();
  if (broken.length === 0) {
    console.log(
      "every invariant held: one AWSCURRENT, no AWSPENDING, no claim left, AWSCURRENT and the master log in, AWSPREVIOUS is the value before, the consumer reloaded, no alert",
    );
  } else {
    for (const b of broken) console.log(`BROKEN ${b}`);
    process.exitCode = 1;
  }
}
