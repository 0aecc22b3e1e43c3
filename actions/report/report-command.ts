import { mkdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Tenant } from "../../program/model.js";
import { readStackSettings, selectTenants } from "../../program/pulumi/settings.js";
import { validatePolicies } from "../../program/validate.js";
import { EXIT, UsageError, writeFileWhole, type CliIO } from "../io.js";
import { runProgram } from "../plan/program-run.js";
import { DuplicateResourceError } from "../plan/run-program.js";
import { readStackFile } from "../plan/stack-files.js";
import { policyDirectory } from "../policy-directory.js";
import { FRAMEWORKS, isFramework, type FrameworkId } from "./catalog.js";
import type { CheckContext } from "./checks/check.js";
import { REPORT_FORMATS, type ReportFormat, type ReportOptions } from "./options.js";
import { evaluate, type Scope } from "./evaluate.js";
import { readAuditEvents } from "./events.js";
import { LineHistory } from "./evidence.js";
import { REPORT_FORMATTERS } from "./formats/index.js";
import { readLiveTenants } from "./live.js";
import { exitCode, type Report } from "./result.js";

export async function reportCommand(
  dir: string | undefined,
  options: ReportOptions,
  io: CliIO,
): Promise<number> {
  try {
    const { report, formats, model } = await buildReport(dir, options, io);
    emit(report, formats, options, io);
    if (options.notify) {
      // After the output: a notification never delays or changes the report or its exit status.
      const { reportNotices } = await import("../notify/report.js");
      const { sendNotices } = await import("../notify/send.js");
      await sendNotices(model, reportNotices(report), io, "report");
    }
    const code = exitCode(report);
    const { pass, fail, manual, error } = report.summary.results;
    io.stderr(
      `vaultpilot report: ${pass} pass, ${fail} fail, ${manual} manual, ${error} error over ${report.summary.frameworks.length} framework(s) and ${report.summary.tenants} tenant(s)${code === EXIT.failed ? "; some controls could not be checked" : ""}\n`,
    );
    return code;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`vaultpilot report: ${error.message}\n`);
      return EXIT.failed;
    }
    if (error instanceof DuplicateResourceError) {
      io.stderr(`vaultpilot report: the program is invalid: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

/** `30d` (days before `at`) or an ISO 8601 time. */
export function parseSince(text: string, at: Date): Date {
  const days = /^(\d{1,4})d$/.exec(text);
  if (days) return new Date(at.getTime() - Number(days[1]) * 86_400_000);
  const time = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time.getTime())) {
    throw new UsageError(
      `--since must be an ISO 8601 time or a number of days such as 30d, got "${text}"`,
    );
  }
  if (time > at)
    throw new UsageError(`--since ${text} is after the evaluation time ${at.toISOString()}`);
  return time;
}

function formatsOf(options: ReportOptions): ReportFormat[] {
  const formats = options.format.length > 0 ? [...new Set(options.format)] : ["markdown"];
  for (const f of formats) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
      throw new UsageError(`unknown format "${f}"; choose from ${REPORT_FORMATS.join(", ")}`);
    }
  }
  if (formats.length > 1 && !options.out) {
    throw new UsageError(`several formats (${formats.join(", ")}) need --out DIR to write them to`);
  }
  return formats as ReportFormat[];
}

async function buildReport(dir: string | undefined, options: ReportOptions, io: CliIO) {
  const formats = formatsOf(options);
  const requested: FrameworkId[] = [];
  for (const f of new Set(options.framework)) {
    if (!isFramework(f)) {
      throw new UsageError(`unknown framework "${f}"; choose from ${FRAMEWORKS.join(", ")}`);
    }
    requested.push(f);
  }
  const at = options.at ? new Date(options.at) : new Date();
  if (Number.isNaN(at.getTime())) {
    throw new UsageError(`--at must be an ISO 8601 time, got "${options.at}"`);
  }
  const since = parseSince(options.since, at);
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`--concurrency must be a whole number ≥ 1, got "${options.concurrency}"`);
  }

  const events = options.events
    ? readAuditEvents(resolve(io.cwd, options.events), options.events)
    : undefined;

  const project = resolve(io.cwd, options.project);
  const settings = options.stack
    ? readStackFile(project, options.stack)
    : readStackSettings("default", () => undefined);
  const root = policyDirectory(dir === undefined ? project : io.cwd, dir ?? settings.policyDir);
  const validation = validatePolicies(root);
  if (!validation.model) {
    const errors = validation.diagnostics.filter((d) => d.severity === "error");
    const first = errors[0]!;
    throw new UsageError(
      `the policies do not validate (${errors.length} error(s); first: ${first.file}:${first.line}:${first.column} ${first.message}); run vaultpilot validate, nothing can be checked until they do`,
    );
  }
  const model = validation.model;
  let tenants = options.stack ? selectTenants(model, settings.tenants) : [...model.tenants];
  if (options.tenant.length > 0) {
    const known = new Map(tenants.map((t) => [t.name, t]));
    tenants = options.tenant.map((name) => {
      const tenant = known.get(name);
      if (!tenant) {
        throw new UsageError(
          `no tenant "${name}"${options.stack ? ` in stack ${options.stack}` : ""}; tenants: ${[...known.keys()].join(", ")}`,
        );
      }
      return tenant;
    });
  }
  if (tenants.length === 0) throw new UsageError("no tenant to report on");

  const shown = (file: string) => relative(io.cwd, join(root, file)).split("\\").join("/");
  const notes: string[] = [];
  const scope = frameworkScope(tenants, requested, options.tenant.length > 0, shown, notes);
  if (!options.out && formats.includes("csv") && scope.size > 1) {
    throw new UsageError(
      `csv writes one file per framework (${[...scope.keys()].join(", ")}): add --out DIR or name one --framework`,
    );
  }
  for (const note of notes) io.stderr(`vaultpilot report: note: ${note}\n`);

  const inScope = [...new Set([...scope.values()].flat())];
  const plan = await runProgram(model, { ...settings, tenants: inScope.map((t) => t.name) });
  const context: Omit<CheckContext, "tenants"> = {
    model,
    plan,
    settings,
    root,
    at: at.toISOString(),
    ...(options.stack && { stackFile: join(project, `Pulumi.${options.stack}.yaml`) }),
    ...(options.live && {
      live: await readLiveTenants(
        inScope,
        {
          env: io.env,
          installation: options.installation ?? settings.installation,
          assumeRole: options.assumeRole,
        },
        concurrency,
      ),
    }),
    ...(events && {
      history: { events, since: since.toISOString(), until: at.toISOString() },
    }),
  };
  const report = evaluate(scope, context, new LineHistory(root), {
    generatedAt: new Date().toISOString(),
    stack: options.stack ?? null,
    notes,
    accounts: Object.fromEntries(inScope.map((t) => [t.name, t.aws])),
  });
  return { report, formats, model };
}

/**
 * Which tenants each framework covers. Default: each tenant's declared frameworks, plus fsbp for
 * all. With --framework: the tenants that declare it (fsbp: all); tenants named with --tenant are
 * reported against it even if they do not declare it.
 */
export function frameworkScope(
  tenants: readonly Tenant[],
  requested: readonly FrameworkId[],
  tenantsNamed: boolean,
  shown: (file: string) => string,
  notes: string[],
): Scope {
  const scope = new Map<FrameworkId, Tenant[]>();
  const frameworks = requested.length > 0 ? requested : FRAMEWORKS;
  for (const framework of FRAMEWORKS.filter((f) => frameworks.includes(f))) {
    const covered = tenants.filter(
      (t) =>
        framework === "fsbp" ||
        (t.compliance as readonly string[]).includes(framework) ||
        (requested.length > 0 && tenantsNamed),
    );
    if (covered.length > 0) scope.set(framework, covered);
    else if (requested.includes(framework)) {
      throw new UsageError(
        `no tenant in scope declares ${framework} (spec.compliance); name tenants with --tenant to report them against it anyway`,
      );
    }
  }
  if (requested.length === 0) {
    for (const t of tenants.filter((t) => t.compliance.length === 0)) {
      const at = t.source.at(["metadata", "name"]);
      notes.push(
        `tenant "${t.name}" (${shown(t.source.file)}:${at.line}:${at.column}) declares no compliance frameworks (spec.compliance); it is reported against fsbp only`,
      );
    }
  }
  return scope;
}

function emit(report: Report, formats: readonly ReportFormat[], options: ReportOptions, io: CliIO) {
  const outDir = options.out ? resolve(io.cwd, options.out) : undefined;
  if (outDir) {
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (error) {
      throw new UsageError(
        `--out: cannot create "${options.out}" (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  const files: { name: string; text: string }[] = [];
  for (const format of formats) files.push(...REPORT_FORMATTERS[format](report));
  if (!outDir) {
    if (files.length > 1) {
      throw new UsageError(
        `${formats[0]} writes one file per framework (${files.map((f) => f.name).join(", ")}): add --out DIR or name one --framework`,
      );
    }
    io.stdout(files[0]!.text);
    return;
  }
  // Each file whole or not at all (writeFileWhole: a temporary file renamed over it).
  for (const file of files) {
    const path = join(outDir, file.name);
    const shown = relative(io.cwd, path).split("\\").join("/");
    writeFileWhole(path, file.text, shown);
    io.stderr(`vaultpilot report: wrote ${shown}\n`);
  }
}
