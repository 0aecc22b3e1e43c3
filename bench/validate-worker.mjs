// One measurement in a fresh process, so that peak memory (maxRSS) belongs to that measurement alone.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const [mode, dir, runs] = process.argv.slice(2);

function yamlFiles(root) {
  const out = [];
  for (const name of readdirSync(root).sort()) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** The floor: find, read and parse every file to plain values, nothing else. */
function bareYaml() {
  let documents = 0;
  for (const file of yamlFiles(dir)) {
    for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
      document.toJS();
      documents++;
    }
  }
  return documents;
}

const { validatePolicies } = mode === "validate" ? await import("../dist/program/validate.js") : {};
const once = () => (mode === "validate" ? validatePolicies(dir).documents : bareYaml());

const times = [];
let documents = 0;
for (let i = 0; i < Number(runs) + 1; i++) {
  globalThis.gc?.();
  const start = process.hrtime.bigint();
  documents = once();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (i > 0) times.push(ms); // the first run warms up the JIT and, for validate, compiles the schemas
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    mode,
    documents,
    medianMs: times[Math.floor(times.length / 2)],
    minMs: times[0],
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
