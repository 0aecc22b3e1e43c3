import { resolve } from "node:path";
import { loadPolicies } from "../../program/load/load-policies.js";
import {
  validateDocuments,
  validatePolicies,
  type ValidationResult,
} from "../../program/validate.js";
import type { PolicyModel } from "../../program/model.js";
import {
  readStackSettings,
  selectTenants,
  type StackSettings,
} from "../../program/pulumi/settings.js";
import type { PolicySet } from "../../program/documents.js";
import { EXIT, UsageError, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { diffResources } from "./diff.js";
import { PLAN_FORMATTERS } from "./formats/index.js";
import { loadAtBase, materialiseAt } from "./git-base.js";
import { computeImpact } from "./impact.js";
import type { PlanResult } from "./plan-result.js";
import { runProgram } from "./program-run.js";
import { DuplicateResourceError } from "./run-program.js";
import type { PlanOptions } from "./options.js";
import { parseStackFile, readStackFile } from "./stack-files.js";
import { useColor } from "../terminal.js";
import { fileAt, projectChange } from "./base-project.js";
import { changedTenants, type PlanScope, type PolicySide } from "./changed-tenants.js";
import { NO_PROGRESS, terminalProgress } from "./progress.js";
import { parallelismFromEnv, SERIAL, type Parallelism } from "./parallelism.js";
import { SlicePool } from "./slice-pool.js";
import { guardrailMode } from "../../cloud/aws/guardrails-policy.js";

function firstError(model: {
  diagnostics: readonly {
    severity: string;
    file: string;
    line: number;
    column: number;
    message: string;
  }[];
}) {
  const d = model.diagnostics.find((x) => x.severity === "error");
  return d ? `${d.file}:${d.line}:${d.column} ${d.message}` : "";
}

/** Every tenant, default settings: what `plan` uses without --stack. */
function allTenants(): StackSettings {
  return readStackSettings("default", () => undefined);
}

/** What one plan compares: the head's policies and, with a base, the base's. */
export interface PlanSides {
  readonly head: { readonly model: PolicyModel; readonly documents: PolicySet };
  /** The base's policies; model undefined when they did not exist then. Absent: plan from nothing. */
  readonly base?: PolicySide;
  /** The git ref of the base, for the summary. */
  readonly baseRef?: string;
  readonly settings: StackSettings;
  /** @default - the head's settings */
  readonly baseSettings?: StackSettings;
  /** Why every tenant must be planned whatever changed (settings, program, version, --full). */
  readonly fullReason?: string;
}

/**
 * Runs the program on both sides and compares them. With a base and no `fullReason`, only the
 * tenants `changedTenants` finds run (on both sides); every other tenant of the stack is reported
 * unchanged, which it is by construction.
 */
export async function planSides(
  sides: PlanSides,
  progress = NO_PROGRESS,
  parallelism: Parallelism = SERIAL,
): Promise<PlanResult> {
  const { head, base, settings } = sides;
  const baseSettings = sides.baseSettings ?? settings;
  const scope: PlanScope =
    sides.fullReason !== undefined
      ? { kind: "full", reason: sides.fullReason }
      : base === undefined
        ? { kind: "full", reason: "there is no base to compare with" }
        : changedTenants(base, { model: head.model, documents: head.documents });
  const only = scope.kind === "tenants" ? scope.tenants : undefined;
  const inStack = (model: PolicyModel | undefined, s: StackSettings) =>
    (model ? selectTenants(model, s.tenants) : []).map((t) => t.name);
  const headTenants = inStack(head.model, settings);
  const baseTenants = base ? inStack(base.model, baseSettings) : [];
  const planned = (names: string[]) => names.filter((n) => only === undefined || only.has(n));
  const baseCount = planned(baseTenants).length;
  const total = baseCount + planned(headTenants).length;
  // Worker threads only when there is more than one slice's work: a one-tenant plan would spend
  // longer starting them than running its two slices.
  const pool = total > parallelism.sliceTenants ? SlicePool.open(parallelism.workers) : undefined;
  if (pool && process.env.VAULTPILOT_PLAN_TRACE) {
    process.stderr.write(
      `vaultpilot plan: up to ${pool.size} worker threads, slices of ${parallelism.sliceTenants} tenants\n`,
    );
  }
  const run = (
    model: PolicyModel | undefined,
    s: StackSettings,
    onProgress: (done: number) => void,
  ) =>
    runProgram(model, s, {
      ...(only && { only }),
      sliceTenants: parallelism.sliceTenants,
      ...(pool && { pool }),
      onProgress,
    });
  let baseDone = 0;
  let headDone = 0;
  let baseRun, headRun;
  try {
    // On a pool both sides' slices share its workers; in one thread, base then head.
    [baseRun, headRun] = pool
      ? await Promise.all([
          run(base?.model, baseSettings, (done) =>
            progress.update((baseDone = done) + headDone, total),
          ),
          run(head.model, settings, (done) => progress.update(baseDone + (headDone = done), total)),
        ])
      : [
          await run(base?.model, baseSettings, (done) => progress.update(done, total)),
          await run(head.model, settings, (done) => progress.update(baseCount + done, total)),
        ];
  } finally {
    await pool?.close();
  }
  progress.finish();
  const changes = diffResources(baseRun.resources, headRun.resources);
  const unchanged = only === undefined ? [] : headTenants.filter((t) => !only.has(t));
  return {
    stack: settings.stack,
    ...(sides.baseRef !== undefined && { base: sides.baseRef }),
    scope:
      scope.kind === "full"
        ? {
            mode: "full",
            reason: scope.reason,
            planned: new Set([...headTenants, ...baseTenants]).size,
            unchanged,
          }
        : {
            mode: "incremental",
            planned: new Set(planned([...headTenants, ...baseTenants])).size,
            unchanged,
          },
    head: headRun,
    changes,
    impact: computeImpact(changes, baseRun, headRun),
    guardrails: guardrailMode(settings.organizationRoleArn),
  };
}

export interface PlanRequest {
  /** The policy directory. */
  readonly root: string;
  readonly settings: StackSettings;
  /** A git ref to compare with. */
  readonly base?: string;
  /** The Pulumi project directory (holds Pulumi.yaml and Pulumi.<stack>.yaml). @default root */
  readonly project?: string;
  /** The stack, when settings come from its file. */
  readonly stack?: string;
  /** Plan every tenant even when an incremental plan would do. @default false */
  readonly full?: boolean;
  /** Slices and worker threads. @default - one thread (SERIAL); the CLI reads its environment */
  readonly parallelism?: Parallelism;
}

export async function plan(
  request: PlanRequest,
  progress = NO_PROGRESS,
): Promise<PlanResult | { errors: number; first: string }> {
  const { root, settings, base } = request;
  const loaded = loadPolicies(root);
  const head = validateDocuments(
    loaded.documents,
    loaded.diagnostics,
    loaded.files,
    loaded.suppressions,
  );
  if (!head.model) {
    return {
      errors: head.diagnostics.filter((d) => d.severity === "error").length,
      first: firstError(head),
    };
  }
  let baseSide: PolicySide | undefined;
  let baseSettings: StackSettings | undefined;
  let fullReason = request.full ? "--full" : undefined;
  if (base !== undefined) {
    const validated = (then: ValidationResult): PolicySide => {
      if (!then.model) {
        throw new UsageError(
          `the policies at ${base} do not validate, so there is nothing to compare with: ${firstError(then)}`,
        );
      }
      return { model: then.model, documents: then.policies };
    };
    // Files unchanged since the base are not read twice: only those that differ come from git.
    const atBase = loadAtBase(root, base, loaded);
    if (atBase === "absent") {
      baseSide = { model: undefined, documents: EMPTY_POLICIES };
    } else if (atBase !== undefined) {
      baseSide = validated(
        validateDocuments(atBase.documents, atBase.diagnostics, atBase.files, atBase.suppressions),
      );
    } else {
      const tree = materialiseAt(root, base);
      try {
        baseSide = tree.dir
          ? validated(validatePolicies(tree.dir))
          : { model: undefined, documents: EMPTY_POLICIES };
      } finally {
        tree.remove();
      }
    }
    const project = request.project ?? root;
    fullReason ??= projectChange(project, base, request.stack);
    const stackText =
      request.stack === undefined
        ? undefined
        : fileAt(project, base, `Pulumi.${request.stack}.yaml`);
    if (request.stack !== undefined && stackText !== undefined) {
      baseSettings = parseStackFile(stackText, request.stack, ` at ${base}`);
    }
  }
  return planSides(
    {
      head: { model: head.model, documents: head.policies },
      ...(baseSide && { base: baseSide }),
      ...(base !== undefined && { baseRef: base }),
      settings,
      ...(baseSettings && { baseSettings }),
      ...(fullReason !== undefined && { fullReason }),
    },
    progress,
    request.parallelism,
  );
}

const EMPTY_POLICIES: PolicySet = { tenants: [], schedules: [], secrets: [], services: [] };

export async function planCommand(
  dir: string | undefined,
  options: PlanOptions,
  io: CliIO,
): Promise<number> {
  const project = resolve(io.cwd, options.project);
  const settings = options.stack ? readStackFile(project, options.stack) : allTenants();
  const root = policyDirectory(dir === undefined ? project : io.cwd, dir ?? settings.policyDir);
  let result: Awaited<ReturnType<typeof plan>>;
  try {
    result = await plan(
      {
        root,
        settings,
        ...(options.base !== undefined && { base: options.base }),
        project,
        ...(options.stack !== undefined && { stack: options.stack }),
        full: options.full === true,
        parallelism: parallelismFromEnv(io.env),
      },
      io.isTTY ? terminalProgress(io.stderr) : NO_PROGRESS,
    );
  } catch (error) {
    if (error instanceof DuplicateResourceError)
      throw new UsageError(`the program is invalid: ${error.message}`);
    throw error;
  }
  if ("errors" in result) {
    io.stderr(
      `vaultpilot: the policies do not validate (${result.errors} error${result.errors === 1 ? "" : "s"}; first: ${result.first}); run \`vaultpilot validate\`\n`,
    );
    return EXIT.findings;
  }
  io.stdout(PLAN_FORMATTERS[options.format]({ result, color: useColor(io) }));
  return EXIT.clean;
}
