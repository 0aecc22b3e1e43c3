// The GitHub Action's entry (action.yml's runs.main, bundled by scripts/build-action.mjs into
// dist-action/index.mjs with every dependency, so a run needs no npm ci).
import { runAction } from "./run-action.js";

process.exitCode = await runAction(process.env);
