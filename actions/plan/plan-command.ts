import { resolve } from "node:path";
import { validatePolicies } from "../../program/validate.js";
import type { PolicyModel } from "../../program/model.js";
import { readStackSettings, type StackSettings } from "../../program/pulumi/settings.js";
import { EXIT, UsageError, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { diffResources } from "./diff.js";
import { PLAN_FORMATTERS } from "./formats/index.js";
import { materialiseAt } from "./git-base.js";
import { computeImpact } from "./impact.js";
import type { PlanResult } from "./plan-result.js";
import { runProgram } from "./program-run.js";
import { DuplicateResourceError } from "./run-program.js";
import type { PlanOptions } from "./options.js";
import { readStackFile } from "./stack-files.js";
import { useColor } from "../terminal.js";

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

export async function plan(
  root: string,
  settings: StackSettings,
  base: string | undefined,
): Promise<PlanResult | { errors: number; first: string }> {
  const head = validatePolicies(root);
  if (!head.model) {
    return {
      errors: head.diagnostics.filter((d) => d.severity === "error").length,
      first: firstError(head),
    };
  }
  let baseModel: PolicyModel | undefined;
  if (base !== undefined) {
    const tree = materialiseAt(root, base);
    try {
      if (tree.dir) {
        const then = validatePolicies(tree.dir);
        if (!then.model) {
          throw new UsageError(
            `the policies at ${base} do not validate, so there is nothing to compare with: ${firstError(then)}`,
          );
        }
        baseModel = then.model;
      }
    } finally {
      tree.remove();
    }
  }
  const baseRun = await runProgram(baseModel, settings);
  const headRun = await runProgram(head.model, settings);
  const changes = diffResources(baseRun.resources, headRun.resources);
  return {
    stack: settings.stack,
    ...(base !== undefined && { base }),
    head: headRun,
    changes,
    impact: computeImpact(changes, baseRun, headRun),
  };
}

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
    result = await plan(root, settings, options.base);
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
