import { describe, expect, it } from "vitest";
import {
  ClaimHeld,
  SecretNotFound,
  VersionConflict,
  type SecretStore,
  type Stage,
} from "../../components/rotation/ports.js";

/** What a store's test gives the suite: the store on its real part, and a way to make a secret. */
export interface StoreUnderTest {
  readonly store: SecretStore;
  /** A new secret whose first version, holding `value`, is current; returns its id. */
  createSecret(value: string): Promise<string>;
}

/**
 * The SecretStore port's contract, run against every store on its real part (Secrets Manager on
 * moto with AWS's rules, test/rotation/secrets-manager-store.test.ts; OpenBao when it comes), so
 * a store is proven by the same tests rather than by copying one service's label behaviour.
 */
export function storeConformance(name: string, make: () => Promise<StoreUnderTest>): void {
  const holder = async (store: SecretStore, id: string, stage: Stage) =>
    (await store.describe(id)).versions.find((v) => v.stages.includes(stage))?.versionId;
  const version = (n: number) => `00000000-0000-4000-a000-${String(n).padStart(12, "0")}`;

  describe(`SecretStore conformance: ${name}`, () => {
    it("describes a new secret with one current version and its value", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');

      const described = await store.describe(id);

      expect(described.versions.filter((v) => v.stages.includes("current"))).toHaveLength(1);
      expect(described.claim).toBeUndefined();
      expect(await store.value(id, { stage: "current" })).toBe('{"v":1}');
    });

    it("stages a written version pending, and ignores the same value written again", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');

      await store.putPending(id, version(1), '{"v":2}');
      await store.putPending(id, version(1), '{"v":2}');

      expect(await holder(store, id, "pending")).toBe(version(1));
      expect(await store.value(id, { stage: "pending" })).toBe('{"v":2}');
      expect(await store.value(id, { versionId: version(1) })).toBe('{"v":2}');
    });

    it("refuses another value for an existing version with a VersionConflict, changing nothing", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');
      await store.putPending(id, version(1), '{"v":2}');

      const refused = await store.putPending(id, version(1), '{"v":3}').catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(VersionConflict);
      expect(await store.value(id, { versionId: version(1) })).toBe('{"v":2}');
    });

    it("moves pending off an earlier version when another is written", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');
      await store.putPending(id, version(1), '{"v":2}');

      await store.putPending(id, version(2), '{"v":3}');

      const described = await store.describe(id);
      expect(described.versions.filter((v) => v.stages.includes("pending"))).toEqual([
        expect.objectContaining({ versionId: version(2) }),
      ]);
    });

    it("promotes a version to current and keeps the one it replaced as previous", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');
      const first = (await holder(store, id, "current"))!;
      await store.putPending(id, version(1), '{"v":2}');

      await store.promote(id, version(1), first);

      expect(await holder(store, id, "current")).toBe(version(1));
      expect(await holder(store, id, "previous")).toBe(first);
      expect(await store.value(id, { stage: "previous" })).toBe('{"v":1}');
    });

    it("refuses a promotion from a version that is not current with a VersionConflict", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');
      const first = (await holder(store, id, "current"))!;
      await store.putPending(id, version(1), '{"v":2}');
      await store.putPending(id, version(2), '{"v":3}');
      await store.promote(id, version(1), first);

      const refused = await store.promote(id, version(2), first).catch((e: unknown) => e);

      expect(refused).toBeInstanceOf(VersionConflict);
      expect(await holder(store, id, "current")).toBe(version(1));
    });

    it("clears pending from its version, and refuses to clear it from another", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');
      await store.putPending(id, version(1), '{"v":2}');

      const refused = await store.clearPending(id, version(2)).catch((e: unknown) => e);
      await store.clearPending(id, version(1));

      expect(refused).toBeInstanceOf(Error);
      expect(await holder(store, id, "pending")).toBeUndefined();
    });

    it("gives the claim to one run and refuses a second with ClaimHeld naming the holder", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');

      const claim = await store.claim(id, {
        run: "aaaaaaaaaaaaaaaa",
        ttlMs: 60_000,
        seen: undefined,
      });
      const seen = (await store.describe(id)).claim;
      const refused = await store
        .claim(id, { run: "bbbbbbbbbbbbbbbb", ttlMs: 60_000, seen })
        .catch((e: unknown) => e);

      expect(seen?.run).toBe("aaaaaaaaaaaaaaaa");
      expect(refused).toBeInstanceOf(ClaimHeld);
      expect((refused as ClaimHeld).claim.run).toBe("aaaaaaaaaaaaaaaa");
      expect(claim.expires.getTime()).toBeGreaterThan(Date.now());
    });

    it("lets exactly one of two runs that saw the same claim take it", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');
      const seen = (await store.describe(id)).claim;

      const results = await Promise.allSettled(
        ["cccccccccccccccc", "dddddddddddddddd", "eeeeeeeeeeeeeeee"].map((run) =>
          store.claim(id, { run, ttlMs: 60_000, seen }),
        ),
      );

      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const winner = results.find((r) => r.status === "fulfilled")!;
      expect((await store.describe(id)).claim?.run).toBe(
        (winner as PromiseFulfilledResult<{ run: string }>).value.run,
      );
    });

    it("lets another run take an expired claim, and frees a released one", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');
      await store.claim(id, { run: "aaaaaaaaaaaaaaaa", ttlMs: 1, seen: undefined });
      const expired = (await store.describe(id)).claim;
      await new Promise((r) => setTimeout(r, 5));

      const taken = await store.claim(id, {
        run: "bbbbbbbbbbbbbbbb",
        ttlMs: 60_000,
        seen: expired,
      });
      await store.release(id, taken);

      expect((await store.describe(id)).claim).toBeUndefined();
      // A release by the run that lost it changes nothing.
      await store.release(id, { ...expired!, run: "aaaaaaaaaaaaaaaa" });
    });

    it("never lists its claim bookkeeping among the secret's versions", async () => {
      const { store, createSecret } = await make();
      const id = await createSecret('{"v":1}');
      await store.claim(id, { run: "aaaaaaaaaaaaaaaa", ttlMs: 60_000, seen: undefined });

      const all = await store.describe(id, { allVersions: true });

      expect(all.versions).toHaveLength(1);
      expect(all.versions[0]!.stages).toEqual(["current"]);
    });

    it("answers SecretNotFound for a secret that does not exist, and no value", async () => {
      const { store } = await make();

      const missing = await store.describe("no/such/secret").catch((e: unknown) => e);

      expect(missing).toBeInstanceOf(SecretNotFound);
      expect(await store.value("no/such/secret", { stage: "current" })).toBeUndefined();
    });
  });
}
