import type { CliIO } from "../io.js";

/** A one-line progress bar on stderr, only on a terminal; a no-op otherwise (CI logs stay clean). */
export interface Progress {
  add(event: { accounts?: number; secrets?: number; keys?: number }): void;
  done(): void;
}

export function progressBar(io: CliIO, totalAccounts: number): Progress {
  if (!io.isTTY) return { add() {}, done() {} };
  let accounts = 0;
  let secrets = 0;
  let keys = 0;
  let last = 0;
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const width = 20;
    const filled = totalAccounts ? Math.round((accounts / totalAccounts) * width) : width;
    io.stderr(
      `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${accounts}/${totalAccounts} accounts · ${secrets} secrets · ${keys} keys`,
    );
  };
  return {
    add(event) {
      accounts += event.accounts ?? 0;
      secrets += event.secrets ?? 0;
      keys += event.keys ?? 0;
      draw(event.accounts !== undefined);
    },
    done() {
      io.stderr("\r\x1b[2K");
    },
  };
}
