import { createHash, randomBytes } from "node:crypto";
import type { ReloadTarget, RetryPolicy, SecretRotationConfig } from "./config.js";
import {
  ClaimHeld,
  noReplicas,
  VersionConflict,
  type Alerts,
  type AuditEvent,
  type AuditSink,
  type Claim,
  type ReplicaWriter,
  type RotationNotice,
  type RotationNotifier,
  type SecretDescription,
  type SecretStore,
  type Stage,
} from "./ports.js";
import { withRetry, type Sleep } from "./retry.js";
import {
  sensitiveStrings,
  type SecretValue,
  type Strategy,
  type StrategyContext,
} from "./strategy.js";
import { passwordPolicyFor } from "../../program/password-defaults.js";

export const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type Step = (typeof STEPS)[number];

/**
 * Every point where a test may stop a run as a crash would (a SIGKILL of the CLI through
 * VAULTPILOT_TEST_CRASH_AT, or a SimulatedCrash in-process): `<step>:start` once the step holds
 * the claim, `<step>:done` after its last change, and the points between a step's changes.
 */
export const CRASH_POINTS = [
  "createSecret:start",
  "createSecret:after-put",
  "createSecret:done",
  "setSecret:start",
  "setSecret:after-set",
  "setSecret:done",
  "testSecret:start",
  "testSecret:done",
  "finishSecret:start",
  "finishSecret:after-promote",
  "finishSecret:after-reload",
  "finishSecret:after-retire",
  "finishSecret:done",
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export function isCrashPoint(text: string): text is CrashPoint {
  return (CRASH_POINTS as readonly string[]).includes(text);
}

/** Makes a consumer pick up a new version and waits until it is healthy again. */
export interface Reloader {
  reload(target: ReloadTarget, versionId: string): Promise<void>;
}

export interface EngineDeps {
  readonly store: SecretStore;
  readonly strategy: (type: SecretRotationConfig["type"]) => Promise<Strategy>;
  readonly reloader: (runtime: ReloadTarget["runtime"]) => Promise<Reloader>;
  /** @default noReplicas */
  readonly replicas?: ReplicaWriter;
  readonly alerts?: Alerts;
  /** The tenant's notification routes (spec.notifications). @default - none */
  readonly notifier?: RotationNotifier;
  readonly audit: AuditSink;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: Sleep;
  /**
   * How long a claim lasts, in milliseconds: at least the longest a run may take, so a claim
   * only expires under a run that died. @default 900000 (15 minutes: Lambda's longest timeout)
   */
  readonly claimTtlMs?: number;
  /** @default - 16 random hex digits */
  readonly run?: string;
  /** For tests: stops the run at a named point, as a crash there would. */
  readonly crashAt?: (point: CrashPoint) => void;
}

export const DEFAULT_CLAIM_TTL_MS = 900_000;

/** A failure the engine has already rolled back and alerted on; its message holds no value. */
export class RotationError extends Error {}

/** Another run holds the claim on the secret: this one stopped before it changed anything. */
export class RotationBusy extends RotationError {}

/** The secret is not in the store: nothing was rotated. */
export class SecretMissing extends RotationError {}

/** What `rotate` did: the version now current, and whether it finished an interrupted rotation. */
export interface RotateResult {
  readonly versionId: string;
  readonly resumed: boolean;
}

/**
 * The four-step rotation protocol for one secret, with a claim, retries, rollback, alerts and audit
 * events. A run changes nothing unless it holds the secret's claim; every step re-reads what it
 * needs from the store, so any step may run again after a crash at any point.
 */
export class RotationEngine {
  /** Every value seen, so that no message that leaves the engine can carry one. */
  private readonly secrets = new Set<string>();
  /** This run's id, in every audit event and in the claim. */
  readonly run: string;
  private claim: Claim | undefined;
  private claimedAt = 0;
  /** What this run itself changed in the rotation under way: the only things rollback undoes. */
  private readonly did = new Set<"put" | "set" | "promote">();

  constructor(
    readonly secretId: string,
    readonly config: SecretRotationConfig,
    private readonly deps: EngineDeps,
  ) {
    this.run = deps.run ?? randomBytes(8).toString("hex");
  }

  private get store(): SecretStore {
    return this.deps.store;
  }

  private label(stage: Stage): string {
    return this.store.stageName(stage);
  }

  /** One step as the Lambda receives it, under a claim of its own. `manual`: without the store's rotate call. */
  async step(step: Step, token: string, options: { manual?: boolean } = {}): Promise<void> {
    await this.holding(async () => {
      await this.stepHeld(step, token, options);
      if (step === "finishSecret") await this.succeeded(token);
    });
  }

  /**
   * The whole rotation, as `vaultpilot rotate` runs it, under one claim. A rotation another run
   * left unfinished is finished rather than a new one started: before its promotion, it is run
   * again from its pending version; after it (pending and current on one version), finishSecret
   * reloads the consumers, retires the old credential and clears pending.
   */
  async rotate(): Promise<RotateResult> {
    return this.holding(async () => {
      // Every version, unstaged ones too, so the derived token never lands on an old attempt.
      const described = await this.describe({ allVersions: true });
      const current = currentVersion(described);
      const pending = holderOf(described, "pending");
      const token = pending ?? manualToken(current, described);
      for (const step of STEPS) {
        await this.renewIfHalfSpent();
        await this.stepHeld(step, token, { manual: true });
      }
      await this.succeeded(token);
      return { versionId: token, resumed: pending !== undefined };
    });
  }

  /** Takes the claim, runs `body`, gives it up; RotationBusy when another run holds it. */
  private async holding<T>(body: () => Promise<T>): Promise<T> {
    const described = await this.describe();
    try {
      this.claim = await this.store.claim(this.secretId, {
        run: this.run,
        ttlMs: this.ttl(),
        seen: described.claim,
      });
      this.claimedAt = Date.now();
    } catch (error) {
      if (!(error instanceof ClaimHeld || error instanceof VersionConflict)) throw error;
      const detail =
        error instanceof ClaimHeld
          ? error.message
          : `another run took the claim on ${described.name} meanwhile; nothing was changed`;
      this.emit(described, "claim", "busy", 1, 0, undefined, detail);
      throw new RotationBusy(`busy: ${detail}`);
    }
    this.did.clear();
    let crashed = false;
    try {
      return await body();
    } catch (error) {
      crashed = error instanceof SimulatedCrash;
      throw error;
    } finally {
      // A simulated crash leaves the claim behind, as a real one does.
      if (!crashed && this.claim) await this.store.release(this.secretId, this.claim);
      this.claim = undefined;
    }
  }

  private ttl(): number {
    return this.deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
  }

  /** A long run (consumers slow to become healthy) extends its claim before half of it is gone. */
  private async renewIfHalfSpent(): Promise<void> {
    if (!this.claim || Date.now() - this.claimedAt < this.ttl() / 2) return;
    this.claim = await this.store.claim(this.secretId, {
      run: this.run,
      ttlMs: this.ttl(),
      seen: this.claim,
    });
    this.claimedAt = Date.now();
  }

  private async describe(options: { allVersions?: boolean } = {}): Promise<SecretDescription> {
    return this.store.describe(this.secretId, options).catch((error: unknown) => {
      if ((error as Error).name === "SecretNotFound")
        throw new SecretMissing(
          `secret ${this.secretId} does not exist in the store; nothing was rotated`,
        );
      throw error;
    });
  }

  private async stepHeld(step: Step, token: string, options: { manual?: boolean }): Promise<void> {
    const described = await this.describe();
    if (!options.manual && !described.rotationEnabled) {
      throw new RotationError(`secret ${described.name} does not have rotation enabled`);
    }
    const version = described.versions.find((v) => v.versionId === token);
    if (!version && !(options.manual && step === "createSecret")) {
      throw new RotationError(
        `version ${token} of ${described.name} does not exist; nothing to rotate`,
      );
    }
    const isPending = version?.stages.includes("pending") === true;
    const isCurrent = version?.stages.includes("current") === true;
    const finishing = step === "finishSecret" && isPending;
    if (isCurrent && !finishing) {
      this.emit(
        described,
        step,
        "skipped",
        1,
        0,
        token,
        `version is already ${this.label("current")}`,
      );
      return;
    }
    if (version && !isPending) {
      throw new RotationError(
        `version ${token} of ${described.name} is not staged ${this.label("pending")}; another rotation replaced it; nothing was changed`,
      );
    }
    // A finishSecret that crashed after the promotion resumes from the version it left.
    const current = isCurrent
      ? (holderOf(described, "previous") ?? token)
      : currentVersion(described);
    // Continuing a rotation this run holds the claim for: its backend change is this run's to undo.
    if (step === "testSecret" || step === "finishSecret") this.did.add("set");
    await this.attempt(described, step, token, current, () =>
      this.runStep(described, step, token, current, isCurrent),
    );
    this.crash(`${step}:done`);
  }

  private crash(point: CrashPoint): void {
    this.deps.crashAt?.(point);
  }

  private async runStep(
    described: SecretDescription,
    step: Step,
    token: string,
    current: string,
    promoted: boolean,
  ): Promise<void> {
    this.crash(`${step}:start`);
    const strategy = await this.deps.strategy(this.config.type);
    const context = this.context();
    switch (step) {
      case "createSecret": {
        const existing = await this.store.value(this.secretId, { versionId: token });
        if (existing !== undefined) return this.remember(existing);
        const currentValue = await this.read({ stage: "current" });
        const pending = await strategy.create(currentValue, context);
        this.rememberValue(pending);
        this.did.add("put");
        await this.store.putPending(this.secretId, token, JSON.stringify(pending));
        this.crash("createSecret:after-put");
        return;
      }
      case "setSecret": {
        const values = await this.values(described, token);
        this.did.add("set");
        await strategy.set(values, context);
        this.crash("setSecret:after-set");
        return;
      }
      case "testSecret":
        await strategy.test(await this.read({ versionId: token, stage: "pending" }), context);
        return;
      case "finishSecret": {
        const old = await this.read({ versionId: current });
        if (!promoted) {
          this.did.add("promote");
          await this.store.promote(this.secretId, token, current);
          this.crash("finishSecret:after-promote");
        }
        const nowText = await this.store.value(this.secretId, { versionId: token });
        if (nowText === undefined) throw new Error(`version ${token} has no value`);
        const now = this.parse(nowText);
        await this.publishReplicas(described, token, nowText);
        await this.reloadConsumers(described, token);
        this.crash("finishSecret:after-reload");
        if (strategy.retire) await strategy.retire(old, now, context);
        this.crash("finishSecret:after-retire");
        // Last: while pending stays on the token, a finishSecret that crashed anywhere above is
        // run again in full, so no consumer is left unreloaded and no old credential unretired.
        await this.store.clearPending(this.secretId, token);
        return;
      }
    }
  }

  private async publishReplicas(
    described: SecretDescription,
    versionId: string,
    value: string,
  ): Promise<void> {
    const replicas = this.deps.replicas ?? noReplicas;
    await replicas.publish({ arn: described.arn, name: described.name }, { versionId, value });
  }

  /** Runs a step with retries; when they are spent, rolls back, alerts and throws. */
  private async attempt(
    described: SecretDescription,
    step: Step,
    token: string,
    current: string,
    body: () => Promise<void>,
    options: { rollbackOnFailure?: boolean } = {},
  ): Promise<void> {
    const started = Date.now();
    let attempt = 1;
    try {
      await withRetry(
        async (n) => {
          attempt = n;
          this.emit(described, step, "started", n, 0, token);
          await body();
        },
        this.deps.retry,
        (n, error, willRetry) => {
          if (passesThrough(error)) throw error;
          this.emit(
            described,
            step,
            willRetry ? "retrying" : "failed",
            n,
            Date.now() - started,
            token,
            this.describeError(error),
          );
        },
        this.deps.sleep,
      );
      this.emit(described, step, "succeeded", attempt, Date.now() - started, token);
    } catch (error) {
      if (passesThrough(error)) throw error;
      const reason = this.describeError(error);
      if (options.rollbackOnFailure === false) {
        await this.notice(described, token, {
          event: "rotation-failed",
          title: `Rollback of ${this.ref()} to version ${token} failed`,
          detail: `${step} failed: ${reason}`,
          next: `Fix the cause, then run vaultpilot rollback ${this.ref()} --to ${token} again.`,
        });
        throw new RotationError(`${step} of ${described.name} failed: ${reason}`);
      }
      const restored = await this.rollback(described, step, token, current, reason);
      if (!restored)
        await this.notice(described, token, {
          event: "rotation-failed",
          title: `Rotation of ${this.ref()} failed`,
          detail: `${step} failed after ${attempt} attempt(s): ${reason}. Version ${token} had already been completed, so nothing was rolled back.`,
          next: `Check the consumers of ${this.ref()} and the audit lines of run ${this.run}; see the versions with vaultpilot versions ${this.ref()}.`,
        });
      throw new RotationError(
        restored
          ? `${step} of ${described.name} failed after ${attempt} attempt(s): ${reason}; rolled back to version ${restored}`
          : `${step} of ${described.name} failed after ${attempt} attempt(s): ${reason}; version ${token} had been completed, so nothing was rolled back`,
      );
    }
  }

  private async reloadConsumers(described: SecretDescription, token: string): Promise<void> {
    for (const target of this.config.reload ?? []) {
      const reloader = await this.deps.reloader(target.runtime);
      const started = Date.now();
      const step = `reload:${target.service}`;
      await withRetry(
        (n) => {
          this.emit(described, step, "started", n, 0, token);
          return reloader.reload(target, token);
        },
        this.deps.retry,
        (n, error, willRetry) =>
          this.emit(
            described,
            step,
            willRetry ? "retrying" : "failed",
            n,
            Date.now() - started,
            token,
            this.describeError(error),
          ),
        this.deps.sleep,
      ).catch((error: unknown) => {
        throw new Error(
          `reload of consumer ${target.service} (${describeTarget(target)}) failed: ${this.describeError(error)}`,
        );
      });
      this.emit(described, step, "succeeded", 1, Date.now() - started, token);
    }
  }

  /**
   * Undoes what this run changed in the rotation of `token`, and nothing else: the backend
   * (database password, IAM key) back on the value of the version that was current, that version
   * current again, pending cleared; then alerts (a second alert if that fails). A version that is
   * current and no longer pending was completed, by this run or another: it is never undone here.
   * Returns the version current afterwards, or undefined when this run had changed nothing.
   */
  private async rollback(
    described: SecretDescription,
    step: Step,
    token: string,
    current: string,
    reason: string,
  ): Promise<string | undefined> {
    const started = Date.now();
    try {
      const now = await this.describe();
      const holder = currentVersion(now);
      const pendingHere = holderOf(now, "pending") === token;
      if (holder === token && !pendingHere) {
        this.emit(described, "rollback", "skipped", 1, 0, token, "the version was completed");
        return undefined;
      }
      this.emit(described, "rollback", "started", 1, 0, token);
      const strategy = await this.deps.strategy(this.config.type);
      // In finishSecret current may already sit on the token: go back to what it left.
      const restoreVersion = holder === token ? (holderOf(now, "previous") ?? current) : holder;
      if ((this.did.has("set") || this.did.has("promote")) && strategy.revert) {
        const failed = await this.store.value(this.secretId, { versionId: token });
        if (failed !== undefined) {
          await strategy.revert(
            {
              restore: await this.read({ versionId: restoreVersion }),
              failed: this.parse(failed),
              // Only a setSecret that never succeeded can leave the backend unreachable and unchanged.
              changed: step !== "setSecret",
            },
            this.context(),
          );
        }
      }
      if (holder === token) await this.store.promote(this.secretId, restoreVersion, token);
      if (pendingHere) await this.store.clearPending(this.secretId, token);
      if (step === "finishSecret") {
        // Replicas and consumers may already hold the failed value: point them back, best effort.
        const restoredText = await this.store.value(this.secretId, { versionId: restoreVersion });
        if (restoredText !== undefined)
          await this.publishReplicas(now, restoreVersion, restoredText).catch(() => undefined);
        await this.reloadConsumers(now, restoreVersion).catch(() => undefined);
      }
      this.emit(described, "rollback", "succeeded", 1, Date.now() - started, token);
      await this.alert(
        described,
        token,
        `VaultPilot: rotation of ${described.name} failed and was rolled back`,
        `${step} failed: ${reason}. ${this.label("current")} is version ${restoreVersion} again, as before the rotation; ` +
          `the failed version ${token} is no longer staged. Fix the cause, then run: vaultpilot rotate ${this.config.tenant}/${this.config.name}`,
      );
      await this.notice(described, token, {
        event: "rotation-rolled-back",
        title: `Rotation of ${this.ref()} failed and was rolled back`,
        detail: `${step} failed: ${reason}. ${this.label("current")} is version ${restoreVersion} again, as before the rotation; the failed version ${token} is no longer staged.`,
        next: `Fix the cause, then run: vaultpilot rotate ${this.ref()}`,
      });
      return restoreVersion;
    } catch (error) {
      const why = this.describeError(error);
      this.emit(described, "rollback", "failed", 1, Date.now() - started, token, why);
      await this.alert(
        described,
        token,
        `VaultPilot: rotation of ${described.name} failed AND its rollback failed`,
        `${step} failed: ${reason}. The rollback then failed: ${why}. The secret may not match the backend: ` +
          `check the versions with vaultpilot versions ${this.config.tenant}/${this.config.name} and act now.`,
      );
      await this.notice(described, token, {
        event: "rollback-failed",
        title: `Rotation of ${this.ref()} failed AND its rollback failed`,
        detail: `${step} failed: ${reason}. The rollback then failed: ${why}. The secret may no longer match its backend.`,
        next: `Act now: check the versions with vaultpilot versions ${this.ref()}, then put the backend and the secret back in step (vaultpilot rollback ${this.ref()}).`,
      });
      throw new RotationError(
        `${step} of ${described.name} failed (${reason}) and the rollback failed too: ${why}`,
      );
    }
  }

  /** An alert that cannot be sent is audited, and does not turn a good rollback into a failed one. */
  private async alert(
    described: SecretDescription,
    token: string,
    subject: string,
    message: string,
  ): Promise<void> {
    if (!this.deps.alerts) return;
    try {
      await this.deps.alerts.critical(subject, message);
      this.emit(described, "alert", "succeeded", 1, 0, token);
    } catch (error) {
      this.emit(described, "alert", "failed", 1, 0, token, this.describeError(error));
    }
  }

  private ref(): string {
    return `${this.config.tenant}/${this.config.name}`;
  }

  /** A completed rotation, for routes that ask for rotation-succeeded. */
  private async succeeded(token: string): Promise<void> {
    if (!this.deps.notifier) return;
    const described = await this.describe().catch(() => undefined);
    if (!described) return;
    await this.notice(described, token, {
      event: "rotation-succeeded",
      title: `Rotation of ${this.ref()} succeeded`,
      detail: `Version ${token} is ${this.label("current")}; its consumers were reloaded.`,
      next: "Nothing to do.",
    });
  }

  /**
   * Tells the tenant's routes; each route's outcome is an audit event (`notify:<route>`). A
   * notification that cannot be delivered never changes the run's outcome.
   */
  private async notice(
    described: SecretDescription,
    token: string,
    notice: Pick<RotationNotice, "event" | "title" | "detail" | "next">,
  ): Promise<void> {
    if (!this.deps.notifier) return;
    try {
      const deliveries = await this.deps.notifier.notify({
        ...notice,
        tenant: this.config.tenant,
        secret: this.config.name,
        run: this.run,
        title: this.redact(notice.title),
        next: this.redact(notice.next),
        ...(notice.detail !== undefined && { detail: this.redact(notice.detail) }),
      });
      for (const d of deliveries)
        this.emit(
          described,
          `notify:${d.route}`,
          d.outcome,
          Math.max(1, d.attempts),
          0,
          token,
          d.detail === undefined ? notice.event : `${notice.event}: ${this.redact(d.detail)}`,
        );
    } catch (error) {
      this.emit(described, "notify", "failed", 1, 0, token, this.describeError(error));
    }
  }

  /** Every value this run has seen, blanked out of `text`. */
  redact(text: string): string {
    for (const secret of this.secrets) if (secret) text = text.split(secret).join("***");
    return text;
  }

  /** `vaultpilot rollback`: current (and the backend) back on `target`, previous by default. */
  async rollbackTo(target?: string): Promise<{ from: string; to: string }> {
    return this.holding(async () => {
      const described = await this.describe({ allVersions: true });
      const current = currentVersion(described);
      const to = target ?? holderOf(described, "previous");
      if (!to)
        throw new RotationError(
          `${described.name} has no ${this.label("previous")} version; name one with --to`,
        );
      if (to === current) return { from: current, to };
      if (!recentVersions(described).some((v) => v.versionId === to)) {
        throw new RotationError(
          `version ${to} is not among the last ${RECENT_VERSIONS} versions of ${described.name}`,
        );
      }
      await this.attempt(
        described,
        "finishSecret",
        to,
        current,
        async () => {
          const strategy = await this.deps.strategy(this.config.type);
          if (strategy.revert) {
            await strategy.revert(
              {
                restore: await this.read({ versionId: to }),
                failed: await this.read({ versionId: current }),
                changed: true,
              },
              this.context(),
            );
          }
          await this.store.promote(this.secretId, to, current);
          const restored = await this.store.value(this.secretId, { versionId: to });
          if (restored !== undefined) await this.publishReplicas(described, to, restored);
          await this.reloadConsumers(described, to);
        },
        { rollbackOnFailure: false },
      );
      return { from: current, to };
    });
  }

  private context(): StrategyContext {
    const policy = this.config.password ?? passwordPolicyFor(this.config.type);
    return {
      config: this.config,
      password: async () => {
        if (!policy) throw new Error(`${this.config.type} secrets have no drawn password`);
        const drawn = await this.store.randomPassword(policy);
        this.secrets.add(drawn);
        return drawn;
      },
      master: async (arn) => {
        const text = await this.store.value(arn, { stage: "current" });
        if (text === undefined)
          throw new Error(`master secret ${arn} has no ${this.label("current")} value`);
        return this.parse(text);
      },
    };
  }

  private async values(described: SecretDescription, token: string) {
    const previous = holderOf(described, "previous");
    return {
      current: await this.read({ stage: "current" }),
      pending: await this.read({ versionId: token, stage: "pending" }),
      ...(previous && {
        previous: await this.read({ versionId: previous }).catch(() => undefined),
      }),
    };
  }

  private async read(select: { versionId?: string; stage?: Stage }): Promise<SecretValue> {
    const text = await this.store.value(this.secretId, select);
    if (text === undefined) {
      const stage = select.stage ? this.label(select.stage) : "";
      throw new Error(
        `secret ${this.secretId} has no value for ${select.versionId ?? ""} ${stage}`.trim(),
      );
    }
    return this.parse(text);
  }

  private remember(text: string): void {
    this.rememberValue(this.parse(text));
  }

  private rememberValue(value: SecretValue): void {
    for (const s of sensitiveStrings(value)) this.secrets.add(s);
  }

  private parse(text: string): SecretValue {
    this.secrets.add(text);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`the value of ${this.secretId} is not JSON`);
    }
    if (typeof value !== "object" || value === null)
      throw new Error(`the value of ${this.secretId} is not a JSON object`);
    this.rememberValue(value as SecretValue);
    return value as SecretValue;
  }

  /** One line, with every known value blanked out. */
  describeError(error: unknown): string {
    let message =
      error instanceof Error
        ? `${error.name === "Error" || error instanceof RotationError ? "" : `${error.name}: `}${error.message}`
        : String(error);
    message = message.split("\n")[0] ?? "";
    for (const secret of this.secrets) if (secret) message = message.split(secret).join("***");
    return message;
  }

  private emit(
    described: SecretDescription,
    step: string,
    outcome: AuditEvent["outcome"],
    attempt: number,
    durationMs: number,
    pending: string | undefined,
    detail?: string,
  ): void {
    const current = holderOf(described, "current");
    this.deps.audit({
      time: new Date().toISOString(),
      tenant: this.config.tenant,
      secretArn: described.arn,
      run: this.run,
      step,
      outcome,
      attempt,
      durationMs,
      versions: { ...(pending && { pending }), ...(current && { current }) },
      ...(detail !== undefined && { detail }),
    });
  }
}

/** Where a consumer lives, for messages: ECS cluster and service, function, deployment. */
export function describeTarget(target: ReloadTarget): string {
  switch (target.runtime) {
    case "ecs":
      return `ECS service ${target.ecs.service} in cluster ${target.ecs.cluster}`;
    case "lambda":
      return `Lambda function ${target.lambda.function}`;
    case "kubernetes":
      return `Kubernetes deployment ${target.kubernetes.namespace}/${target.kubernetes.deployment}${target.kubernetes.cluster ? ` in cluster ${target.kubernetes.cluster}` : ""}`;
    case "ec2":
      return `EC2 instances tagged ${Object.entries(target.ec2.instanceTags)
        .map(([k, v]) => `${k}=${v}`)
        .join(",")} through document ${target.ec2.document}`;
  }
}

/** How many versions stay reachable for rollback. */
export const RECENT_VERSIONS = 10;

/** Newest first; moto gives every version the same date, so list order breaks ties. */
export function recentVersions(described: SecretDescription, count = RECENT_VERSIONS) {
  return [...described.versions]
    .reverse()
    .sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0))
    .slice(0, count);
}

function currentVersion(described: SecretDescription): string {
  const current = holderOf(described, "current");
  if (!current) throw new RotationError(`secret ${described.name} has no current version`);
  return current;
}

function holderOf(described: SecretDescription, stage: Stage): string | undefined {
  return described.versions.find((v) => v.stages.includes(stage))?.versionId;
}

/**
 * The CLI's version id: derived from the current version, so a rerun after a crash before
 * anything was written picks the same one. A version left over by a rolled-back attempt moves
 * the counter on.
 */
export function manualToken(current: string, described: SecretDescription): string {
  for (let n = 0; ; n++) {
    const hex = createHash("sha256").update(`vaultpilot:${current}:${n}`).digest("hex");
    const token = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    if (!described.versions.some((v) => v.versionId === token)) return token;
  }
}

/** A simulated crash passes through retries, rollback and the claim's release untouched. */
export class SimulatedCrash extends Error {}

function passesThrough(error: unknown): boolean {
  return error instanceof SimulatedCrash || error instanceof RotationBusy;
}
