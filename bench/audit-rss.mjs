// Preloaded (node --import) into a measured process: prints its peak resident memory on exit.
import { writeSync } from "node:fs";

process.on("exit", () => {
  writeSync(2, `\nbench-maxrss-kb ${process.resourceUsage().maxRSS}\n`);
});
