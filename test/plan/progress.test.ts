import { describe, expect, it } from "vitest";
import { terminalProgress } from "../../actions/plan/progress.js";

describe("terminalProgress", () => {
  const run = (steps: [number, number, number][]) => {
    let clock = 0;
    const out: string[] = [];
    const progress = terminalProgress((t) => out.push(t), { now: () => clock });
    for (const [at, done, total] of steps) {
      clock = at;
      progress.update(done, total);
    }
    progress.finish();
    return out;
  };

  it("prints nothing for a plan that ends within a second", () => {
    expect(
      run([
        [400, 25, 50],
        [900, 50, 50],
      ]),
    ).toEqual([]);
  });

  it("after a second, shows tenants done of total, elapsed and an estimate, in place, then erases itself", () => {
    expect(
      run([
        [500, 25, 1000],
        [10_000, 250, 1000],
        [10_100, 260, 1000],
        [40_000, 1000, 1000],
      ]),
    ).toEqual([
      "\r\u001b[Kplanning: 250 of 1,000 tenants, 10 s, about 30 s left",
      "\r\u001b[Kplanning: 1,000 of 1,000 tenants, 40 s",
      "\r\u001b[K",
    ]);
  });
});
