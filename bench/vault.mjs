// npm run bench:vault: a webhook secret rotated BENCH_RUNS times (default 20) through the rotation
// engine on the OpenBao KV v2 store (a local `bao server -dev`, AppRole login): the median and p90
// time of a whole rotation (claim, the four steps, release) and the HTTP calls one rotation makes
// (counted in the store's client; the one AppRole login is counted apart), with the load average.
import { loadavg } from "node:os";
import { importTypeScript } from "../scripts/import-typescript.mjs";

const runs = Number(process.env.BENCH_RUNS ?? 20);

const {
  startOpenBao,
  rotationPolicy,
  RotationEngine,
  VaultClient,
  vaultKvStore,
  strategyFor,
  AwsClients,
} = await importTypeScript(
  "vault-support",
  `export { startOpenBao, rotationPolicy } from "./test/support/openbao.ts";
     export { RotationEngine } from "./components/rotation/engine.ts";
     export { VaultClient } from "./components/rotation/vault/client.ts";
     export { vaultKvStore } from "./components/rotation/vault/kv-store.ts";
     export { strategyFor } from "./components/rotation/strategies/index.ts";
     export { AwsClients } from "./components/rotation/aws/clients.ts";`,
);

const bao = await startOpenBao();
try {
  const role = await bao.appRole("bench", rotationPolicy("vaultpilot/bench"));
  const calls = [];
  const auth = { method: "approle", mount: "approle", roleId: role.roleId, secretId: { env: "S" } };
  const client = new VaultClient(
    { address: bao.address, auth },
    { env: { S: role.secretId }, onCall: (method, path) => calls.push(`${method} ${path}`) },
  );
  const store = vaultKvStore({ address: bao.address, mount: "secret", auth }, { client });
  const path = "vaultpilot/bench/hook";
  await bao.api("POST", `secret/data/${path}`, { data: { signingSecret: "bench-initial" } });
  const config = { tenant: "bench", name: "hook", type: "webhook", reload: [] };
  const aws = new AwsClients({ region: "us-east-1" });
  const times = [];
  const perRotation = [];
  let logins = 0;
  for (let i = 0; i < runs; i++) {
    calls.length = 0;
    const engine = new RotationEngine(path, config, {
      store,
      strategy: (type) => strategyFor(type, { aws }),
      reloader: async () => ({ reload: async () => undefined }),
      audit: () => undefined,
    });
    const started = performance.now();
    await engine.rotate();
    times.push(performance.now() - started);
    const login = calls.filter((c) => c.endsWith("/login")).length;
    logins += login;
    perRotation.push(calls.length - login);
  }
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const at = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  console.log(`OpenBao KV v2 store, webhook rotation x ${runs} (bao server -dev, AppRole)`);
  console.log(
    `  median ${at(times, 0.5).toFixed(1)} ms, p90 ${at(times, 0.9).toFixed(1)} ms per rotation`,
  );
  console.log(
    `  HTTP calls per rotation: median ${at(perRotation, 0.5)} (min ${Math.min(...perRotation)}, max ${Math.max(...perRotation)}); AppRole logins: ${logins} in ${runs} rotations`,
  );
  console.log(`  load average (1, 5, 15 min): ${load}`);
} finally {
  await bao.stop();
}
