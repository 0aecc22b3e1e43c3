// npm run bench:startup: VaultPilot as a user's shell runs it, each run a whole process (start-up,
// module loading, the work, exit), median of BENCH_RUNS (default 10):
//   1. `vaultpilot --help`;
//   2. `vaultpilot validate policies` (the example policies);
//   3. `vaultpilot rotate <tenant>/<secret> --no-reload` of a single-user PostgreSQL secret against
//      moto and a local PostgreSQL,
// and beside 3, AWS's own Python rotation function (the pinned copy in
// ../shared/peers/aws-rotation-postgres-single-user/, `pip install PyGreSQL boto3`) running the same
// four steps on the same servers as a whole `python3` process. Target: rotate / Python <= 1.0.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { importTypeScript } from "../scripts/import-typescript.mjs";

const runs = Number(process.env.BENCH_RUNS ?? 10);
// This script's own SDK clients (seeding moto) run under the shell's node; the CLI handles its own.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const bin = resolve("node_modules/.bin/vaultpilot");
// The pinned copy sits in the shared folder beside the repository (../shared from /work/main,
// ../../shared from a worktree under /work/wt/).
const peer = [
  process.env.VAULTPILOT_PEER_DIR,
  "../shared/peers/aws-rotation-postgres-single-user",
  "../../shared/peers/aws-rotation-postgres-single-user",
]
  .filter(Boolean)
  .map((dir) => resolve(dir))
  .find((dir) => existsSync(join(dir, "lambda_function.py")));

function median(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall-clock milliseconds of one whole process; throws with its stderr when it fails. */
function timed(command, args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  if (process.env.BENCH_DEBUG) process.stderr.write(`${ms.toFixed(0)} ms: ${result.stderr}`);
  return ms;
}

const shellNode = execFileSync("node", ["--version"], { encoding: "utf8" }).trim();
const report = (what, ms, extra = "") =>
  console.log(
    `${what.padEnd(58)} median ${ms.toFixed(0).padStart(5)} ms over ${runs} runs${extra}`,
  );

console.log(`whole processes under the shell's node ${shellNode}, ${runs} runs each\n`);
const help = median(Array.from({ length: runs }, () => timed(bin, ["--help"], process.env)));
report("vaultpilot --help", help, " (target < 500 ms)");
const validate = median(
  Array.from({ length: runs }, () => timed(bin, ["validate", "policies"], process.env)),
);
report("vaultpilot validate policies (the example policies)", validate);

// Rotation: moto (with Secrets Manager's own rules restored) and a local PostgreSQL.
const { startMoto, startPostgres } = await importTypeScript(
  "startup-support",
  `export { startMoto } from "./test/support/moto.ts"; export { startPostgres } from "./test/support/databases.ts";`,
);
// The bundled support looks for moto's wrapper beside itself, under .bench/.
cpSync("test/support/moto_aws_rules.py", ".bench/moto_aws_rules.py");
const [moto, pg] = await Promise.all([startMoto({ awsRules: true }), startPostgres()]);
const policies = mkdtempSync(join(tmpdir(), "vaultpilot-bench-startup-"));
const aws = {
  region: "us-east-1",
  endpoint: moto.endpoint,
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
};
const sm = new SecretsManagerClient(aws);
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: moto.endpoint,
  SECRETS_MANAGER_ENDPOINT: moto.endpoint,
  AWS_REGION: "us-east-1",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  VAULTPILOT_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:bench-alerts",
};
try {
  await moto.configure({ lambda: { use_docker: false } });
  // A policy that names this PostgreSQL: the rotation holds the secret's value to it.
  writeFileSync(
    join(policies, "bench.yaml"),
    `apiVersion: vaultpilot.dev/v1
kind: Tenant
metadata: { name: bench }
spec: { plan: enterprise, aws: { account: "123456789012", region: us-east-1 } }
---
apiVersion: vaultpilot.dev/v1
kind: RotationSchedule
metadata: { name: monthly }
spec: { every: 30d }
---
apiVersion: vaultpilot.dev/v1
kind: Service
metadata: { name: orders-api, tenant: bench }
spec: { runtime: ecs }
---
apiVersion: vaultpilot.dev/v1
kind: Secret
metadata: { name: orders-db, tenant: bench }
spec:
  type: postgres
  schedule: monthly
  consumers: [orders-api]
  connection: { host: "${pg.host}", port: ${pg.port}, database: postgres, username: bench_app }
`,
  );
  const value = (username) =>
    JSON.stringify({
      engine: "postgres",
      host: pg.host,
      port: pg.port,
      username,
      password: "initial-password",
      dbname: "postgres",
    });
  await pg.createUser("bench_app", "initial-password");
  await pg.createUser("peer_app", "initial-password");
  await sm.send(
    new CreateSecretCommand({
      Name: "vaultpilot/bench/orders-db",
      SecretString: value("bench_app"),
    }),
  );
  const peerSecret = await sm.send(
    new CreateSecretCommand({ Name: "peer/orders-db", SecretString: value("peer_app") }),
  );

  const rotate = median(
    Array.from({ length: runs }, () =>
      timed(bin, ["rotate", "bench/orders-db", "--policies", policies, "--no-reload"], env),
    ),
  );
  report("vaultpilot rotate (postgres single user, moto + PostgreSQL)", rotate);

  if (!peer) {
    console.log("\nAWS's Python function: not found in ../shared/peers/ (set VAULTPILOT_PEER_DIR)");
  } else if (spawnSync("python3", ["-c", "import pgdb, boto3"]).status !== 0) {
    console.log("\nAWS's Python function: needs `pip install PyGreSQL boto3`; not measured");
  } else {
    // moto stages AWSPENDING for RotateSecret and invokes nothing (no Docker); the Python process
    // then runs the four steps, as the Lambda runtime would call lambda_handler.
    const iam = new IAMClient(aws);
    const lambda = new LambdaClient(aws);
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: "peer-rotation", AssumeRolePolicyDocument: "{}" }),
    );
    const fn = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "peer-rotation",
        Runtime: "python3.12",
        Role: role.Role.Arn,
        Handler: "lambda_function.lambda_handler",
        Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) },
      }),
    );
    const driver = `
import sys
sys.path.insert(0, ${JSON.stringify(peer)})
import lambda_function
for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
    lambda_function.lambda_handler({"SecretId": sys.argv[1], "ClientRequestToken": sys.argv[2], "Step": step}, None)
`;
    const times = [];
    for (let i = 0; i < runs; i++) {
      const { VersionId: token } = await sm.send(
        new RotateSecretCommand({
          SecretId: peerSecret.ARN,
          RotationLambdaARN: fn.FunctionArn,
          RotationRules: { AutomaticallyAfterDays: 30 },
          RotateImmediately: true,
        }),
      );
      times.push(timed("python3", ["-c", driver, peerSecret.ARN, token], env));
      // The function leaves AWSPENDING on the new AWSCURRENT; moto refuses the next RotateSecret then.
      const described = await sm.send(new DescribeSecretCommand({ SecretId: peerSecret.ARN }));
      for (const [version, stages] of Object.entries(described.VersionIdsToStages ?? {})) {
        if (stages.includes("AWSPENDING"))
          await sm.send(
            new UpdateSecretVersionStageCommand({
              SecretId: peerSecret.ARN,
              VersionStage: "AWSPENDING",
              RemoveFromVersionId: version,
            }),
          );
      }
    }
    const python = median(times);
    report("AWS's Python rotation function (same four steps)", python);
    console.log(
      `\nratio vaultpilot rotate / AWS's Python function: ${(rotate / python).toFixed(2)} (target <= 1.0)`,
    );
  }
} finally {
  sm.destroy();
  await Promise.all([moto.stop(), pg.stop()]);
  rmSync(policies, { recursive: true, force: true });
}
