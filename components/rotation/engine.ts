import { createHash } from "node:crypto";
import type { AwsClients } from "./aws/clients.js";
import type { ReloadTarget, RetryPolicy, SecretRotationConfig } from "./config.js";
import type { Alerts, AuditEvent, AuditSink, SecretDescription, SecretStore } from "./ports.js";
import { withRetry, type Sleep } from "./retry.js";
import {
  sensitiveStrings,
  type SecretValue,
  type Strategy,
  type StrategyContext,
} from "./strategy.js";

export const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type Step = (typeof STEPS)[number];

/** Makes a consumer pick up a new version and waits until it is healthy again. */
export interface Reloader {
  reload(target: ReloadTarget, versionId: string): Promise<void>;
}

export interface EngineDeps {
  readonly store: SecretStore;
  readonly clients: AwsClients;
  readonly strategy: (type: SecretRotationConfig["type"]) => Promise<Strategy>;
  readonly reloader: (runtime: ReloadTarget["runtime"]) => Promise<Reloader>;
  readonly alerts?: Alerts;
  readonly audit: AuditSink;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: Sleep;
  /** For tests: throws at a named point to simulate a crash there. */
  readonly crashAt?: (point: string) => void;
}

/** A failure the engine has already rolled back and alerted on; its message holds no value. */
export class RotationError extends Error {}

/**
 * Secrets Manager's four-step protocol for one secret, with retries, rollback, alerts and audit
 * events. Every step re-reads what it needs from Secrets Manager, so any step may run again
 * after a crash at any point.
 */
export class RotationEngine {
  /** Every value seen, so that no message that leaves the engine can carry one. */
  private readonly secrets = new Set<string>();

  constructor(
    readonly secretId: string,
    readonly config: SecretRotationConfig,
    private readonly deps: EngineDeps,
  ) {}

  /** One step as the Lambda receives it. `manual`: the CLI's own rotation, without RotateSecret. */
  async step(step: Step, token: string, options: { manual?: boolean } = {}): Promise<void> {
    const described = await this.deps.store.describe(this.secretId);
    if (!options.manual && !described.rotationEnabled) {
      throw new RotationError(`secret ${described.name} does not have rotation enabled`);
    }
    const version = described.versions.find((v) => v.versionId === token);
    if (!version && !(options.manual && step === "createSecret")) {
      throw new RotationError(
        `version ${token} of ${described.name} does not exist; nothing to rotate`,
      );
    }
    const finishing = step === "finishSecret" && version?.stages.includes("AWSPENDING");
    if (version?.stages.includes("AWSCURRENT") && !finishing) {
      this.emit(described, step, "skipped", 1, 0, token, "version is already AWSCURRENT");
      return;
    }
    if (version && !version.stages.includes("AWSPENDING")) {
      throw new RotationError(
        `version ${token} of ${described.name} is not staged AWSPENDING; another rotation replaced it`,
      );
    }
    // A finishSecret that crashed after moving AWSCURRENT resumes from the version it left.
    const current = version?.stages.includes("AWSCURRENT")
      ? (previousVersion(described) ?? token)
      : currentVersion(described);
    await this.attempt(described, step, token, current, () =>
      this.run(step, token, current, options.manual === true),
    );
  }

  /** The whole rotation, as `vaultpilot rotate` runs it; returns the new version id. */
  async rotate(): Promise<string> {
    // Every version, unlabelled ones too, so the derived token never lands on an old attempt.
    const described = await this.deps.store.describe(this.secretId, { allVersions: true });
    const current = currentVersion(described);
    const pending = described.versions.find(
      (v) => v.stages.includes("AWSPENDING") && !v.stages.includes("AWSCURRENT"),
    );
    const token = pending?.versionId ?? manualToken(current, described);
    for (const step of STEPS) await this.step(step, token, { manual: true });
    return token;
  }

  private async run(step: Step, token: string, current: string, manual: boolean): Promise<void> {
    const strategy = await this.deps.strategy(this.config.type);
    const context = this.context();
    // Read afresh on every attempt: another run of the same rotation may have moved labels since.
    const described = await this.deps.store.describe(this.secretId);
    switch (step) {
      case "createSecret": {
        const existing = await this.deps.store.value(this.secretId, { versionId: token });
        if (existing !== undefined) return this.remember(existing);
        const currentValue = await this.read({ stage: "AWSCURRENT" });
        const pending = await strategy.create(currentValue, context);
        this.rememberValue(pending);
        if (manual) await this.claim(token, JSON.stringify(pending), described);
        else await this.deps.store.putPending(this.secretId, token, JSON.stringify(pending));
        this.deps.crashAt?.("createSecret:after-put");
        return;
      }
      case "setSecret": {
        const values = await this.values(described, token);
        await strategy.set(values, context);
        this.deps.crashAt?.("setSecret:after-set");
        return;
      }
      case "testSecret":
        await strategy.test(await this.read({ versionId: token, stage: "AWSPENDING" }), context);
        return;
      case "finishSecret": {
        const old = await this.read({ versionId: current });
        if (currentVersion(described) !== token) {
          await this.deps.store.moveStage(this.secretId, "AWSCURRENT", token, current);
          this.deps.crashAt?.("finishSecret:after-move");
        }
        const now = await this.read({ versionId: token });
        await this.reloadConsumers(described, token);
        this.deps.crashAt?.("finishSecret:after-reload");
        if (strategy.retire) await strategy.retire(old, now, context);
        this.deps.crashAt?.("finishSecret:after-retire");
        // Last: while AWSPENDING stays on the token, a finishSecret that crashed anywhere above is
        // run again in full, so no consumer is left unreloaded and no old credential unretired.
        if (holderOf(described, "AWSPENDING") === token) {
          await this.deps.store.moveStage(this.secretId, "AWSPENDING", undefined, token);
        }
        return;
      }
    }
  }

  /**
   * The CLI's createSecret, without Secrets Manager's RotateSecret to serialise it: the version is
   * written under a label of its own first, which fails (ResourceExistsException) for whichever of
   * two simultaneous runs comes second; only the winner stages it AWSPENDING.
   */
  private async claim(token: string, value: string, described: SecretDescription): Promise<void> {
    try {
      await this.deps.store.putVersion(this.secretId, token, value, CLAIM_STAGE);
    } catch (error) {
      if ((error as { name?: string }).name === "ResourceExistsException") {
        throw new ConcurrentRotation(
          `another rotation of ${described.name} is writing version ${token}; nothing was changed`,
        );
      }
      throw error;
    }
    await this.deps.store.moveStage(
      this.secretId,
      "AWSPENDING",
      token,
      holderOf(described, "AWSPENDING"),
    );
    await this.deps.store.moveStage(this.secretId, CLAIM_STAGE, undefined, token);
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
      if (options.rollbackOnFailure === false)
        throw new RotationError(`${step} of ${described.name} failed: ${reason}`);
      await this.rollback(described, step, token, current, reason);
      throw new RotationError(
        `${step} of ${described.name} failed after ${attempt} attempt(s): ${reason}; rolled back to version ${current}`,
      );
    }
  }

  private async reloadConsumers(described: SecretDescription, token: string): Promise<void> {
    for (const target of this.config.reload ?? []) {
      const reloader = await this.deps.reloader(target.runtime);
      const started = Date.now();
      await withRetry(
        (n) => {
          this.emit(described, `reload:${target.service}`, "started", n, 0, token);
          return reloader.reload(target, token);
        },
        this.deps.retry,
        (n, error, willRetry) =>
          this.emit(
            described,
            `reload:${target.service}`,
            willRetry ? "retrying" : "failed",
            n,
            Date.now() - started,
            token,
            this.describeError(error),
          ),
        this.deps.sleep,
      );
      this.emit(described, `reload:${target.service}`, "succeeded", 1, Date.now() - started, token);
    }
  }

  /**
   * Puts the secret back on the version that was AWSCURRENT when the step began, and the backend
   * (database password, IAM key) back on its value; alerts; a second alert if that fails.
   */
  private async rollback(
    described: SecretDescription,
    step: Step,
    token: string,
    current: string,
    reason: string,
  ) {
    const started = Date.now();
    try {
      this.emit(described, "rollback", "started", 1, 0, token);
      const strategy = await this.deps.strategy(this.config.type);
      const now = await this.deps.store.describe(this.secretId);
      const holder = currentVersion(now);
      // In finishSecret AWSCURRENT may already sit on the token: go back to what it left.
      const restoreVersion = holder === token ? (previousVersion(now) ?? current) : holder;
      if (step !== "createSecret" && strategy.revert) {
        const failed = await this.deps.store.value(this.secretId, { versionId: token });
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
      if (holder === token)
        await this.deps.store.moveStage(this.secretId, "AWSCURRENT", restoreVersion, token);
      const pending = now.versions.find((v) => v.stages.includes("AWSPENDING"));
      if (pending?.versionId === token)
        await this.deps.store.moveStage(this.secretId, "AWSPENDING", undefined, token);
      if (step === "finishSecret") {
        // Consumers may have restarted on the failed value: point them back, best effort.
        await this.reloadConsumers(now, restoreVersion).catch(() => undefined);
      }
      this.emit(described, "rollback", "succeeded", 1, Date.now() - started, token);
      await this.alert(
        described,
        token,
        `VaultPilot: rotation of ${described.name} failed and was rolled back`,
        `${step} failed: ${reason}. AWSCURRENT is version ${restoreVersion} again, as before the rotation; ` +
          `the failed version ${token} is no longer staged. Fix the cause, then run: vaultpilot rotate ${this.config.tenant}/${this.config.name}`,
      );
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

  /** `vaultpilot rollback`: AWSCURRENT (and the backend) back on `target`, AWSPREVIOUS by default. */
  async rollbackTo(target?: string): Promise<{ from: string; to: string }> {
    const described = await this.deps.store.describe(this.secretId, { allVersions: true });
    const current = currentVersion(described);
    const to = target ?? previousVersion(described);
    if (!to)
      throw new RotationError(`${described.name} has no AWSPREVIOUS version; name one with --to`);
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
        await this.deps.store.moveStage(this.secretId, "AWSCURRENT", to, current);
        await this.reloadConsumers(described, to);
      },
      { rollbackOnFailure: false },
    );
    return { from: current, to };
  }

  private context(): StrategyContext {
    const policy = this.config.password ?? { length: 32, exclude: "" };
    return {
      config: this.config,
      aws: this.deps.clients,
      password: async () => {
        const drawn = await this.deps.store.randomPassword(policy);
        this.secrets.add(drawn);
        return drawn;
      },
      master: async (arn) => {
        const text = await this.deps.store.value(arn, { stage: "AWSCURRENT" });
        if (text === undefined) throw new Error(`master secret ${arn} has no AWSCURRENT value`);
        return this.parse(text);
      },
    };
  }

  private async values(described: SecretDescription, token: string) {
    const previous = described.versions.find((v) => v.stages.includes("AWSPREVIOUS"));
    return {
      current: await this.read({ stage: "AWSCURRENT" }),
      pending: await this.read({ versionId: token, stage: "AWSPENDING" }),
      ...(previous && {
        previous: await this.read({ versionId: previous.versionId }).catch(() => undefined),
      }),
    };
  }

  private async read(select: { versionId?: string; stage?: string }): Promise<SecretValue> {
    const text = await this.deps.store.value(this.secretId, select);
    if (text === undefined) {
      throw new Error(
        `secret ${this.secretId} has no value for ${select.versionId ?? ""} ${select.stage ?? ""}`.trim(),
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
        ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
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
    pending: string,
    detail?: string,
  ): void {
    const current = described.versions.find((v) => v.stages.includes("AWSCURRENT"))?.versionId;
    this.deps.audit({
      time: new Date().toISOString(),
      tenant: this.config.tenant,
      secretArn: described.arn,
      step,
      outcome,
      attempt,
      durationMs,
      versions: { pending, ...(current && { current }) },
      ...(detail !== undefined && { detail }),
    });
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
  const current = described.versions.find((v) => v.stages.includes("AWSCURRENT"));
  if (!current) throw new RotationError(`secret ${described.name} has no AWSCURRENT version`);
  return current.versionId;
}

function previousVersion(described: SecretDescription): string | undefined {
  return described.versions.find((v) => v.stages.includes("AWSPREVIOUS"))?.versionId;
}

/**
 * The CLI's version id: derived from the current version, so two rotations started at once
 * from the same state write the same version instead of racing two passwords into the database.
 * A version left over by a rolled-back attempt moves the counter on.
 */
export function manualToken(current: string, described: SecretDescription): string {
  for (let n = 0; ; n++) {
    const hex = createHash("sha256").update(`vaultpilot:${current}:${n}`).digest("hex");
    const token = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    if (!described.versions.some((v) => v.versionId === token)) return token;
  }
}

/** A simulated crash and a stopped concurrent run pass through retries and rollback untouched. */
export class SimulatedCrash extends Error {}
/** The label `vaultpilot rotate` writes a new version under before it stages it AWSPENDING. */
export const CLAIM_STAGE = "VAULTPILOT_CLAIM";

/** A second run of the same rotation stopped before it changed anything: no rollback. */
export class ConcurrentRotation extends RotationError {}

function holderOf(described: SecretDescription, stage: string): string | undefined {
  return described.versions.find((v) => v.stages.includes(stage))?.versionId;
}

function passesThrough(error: unknown): boolean {
  if (error instanceof ConcurrentRotation) return true;
  return error instanceof SimulatedCrash;
}
