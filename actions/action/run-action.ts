import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import * as core from "@actions/core";
import { EXIT, UsageError, type CliIO } from "../io.js";
import { InputError, readInputs, type ActionCommand, type ActionInputs } from "./inputs.js";
import { Masker } from "./mask.js";
import type { StepContext, StepResult } from "./step.js";
import { validateStep } from "./validate-step.js";

type Env = Readonly<Record<string, string | undefined>>;

const SUMMARY_LIMIT = 1024 * 1024 - 1024;

/**
 * The action's entry: reads its inputs from the runner's environment, runs the command and
 * reports back through the runner's files: outputs to `$GITHUB_OUTPUT`, the summary to
 * `$GITHUB_STEP_SUMMARY`, annotations as workflow commands on stdout. Returns the process's exit
 * status: 1 when the step fails (the command's own code is the `exit-code` output), else 0.
 * Never throws.
 */
export async function runAction(env: Env = process.env): Promise<0 | 1> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs(env);
  } catch (error) {
    return fail(error instanceof InputError ? error.message : String(error), env);
  }
  const secrets = [inputs.githubToken ?? "", ...inputs.mask.map((name) => env[name] ?? "")];
  const masker = new Masker(secrets);
  for (const value of secrets) if (value.length >= 4) core.setSecret(value);
  const cwd = resolve(env.GITHUB_WORKSPACE ?? process.cwd(), inputs.workingDirectory);
  try {
    process.chdir(cwd);
  } catch {
    return fail(`working-directory "${inputs.workingDirectory}" does not exist`, env);
  }
  const outDir = join(cwd, ".vaultpilot");
  mkdirSync(outDir, { recursive: true });
  const log = (text: string) => process.stdout.write(masker.mask(text));
  const context: StepContext = {
    inputs,
    env,
    cwd,
    outDir,
    masker,
    log,
    writeFile: (name, text) => {
      const path = join(outDir, name);
      writeFileSync(path, masker.mask(text));
      return path;
    },
    cli: async (argv, extraEnv = {}) => {
      let stdout = "";
      const io: CliIO = {
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => process.stderr.write(masker.mask(text)),
        isTTY: false,
        cwd,
        env: { ...env, ...extraEnv },
      };
      // Loaded only for the commands that need it: the CLI with the AWS SDK and Pulumi is most of
      // the bundle, and validate starts faster without it (the build keeps it a file of its own).
      const { run } = await import("../cli.js");
      const code = await run(argv, io);
      return { code, stdout };
    },
  };
  let result: StepResult;
  try {
    result = await STEPS[inputs.command](context);
  } catch (error) {
    const message =
      error instanceof UsageError || error instanceof InputError
        ? error.message
        : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    return fail(masker.mask(message), env);
  }
  const output = (name: string, value: string | number) =>
    core.setOutput(name, masker.mask(String(value)));
  output("exit-code", result.exitCode);
  output("errors", result.errors);
  output("warnings", result.warnings);
  output("findings", result.findings);
  output("sarif-file", result.sarifFile);
  output("report-file", result.reportFile);
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(fitSummary(masker.mask(result.summary)), true).write();
  }
  if (result.failure) {
    core.setFailed(masker.mask(result.failure));
    return 1;
  }
  return 0;
}

function fail(message: string, env: Env): 1 {
  if (env.GITHUB_OUTPUT) core.setOutput("exit-code", EXIT.failed);
  core.setFailed(`vaultpilot: ${message}`);
  return 1;
}

/** Cut at a line under the summary's 1 MiB limit, saying so. */
export function fitSummary(markdown: string): string {
  if (Buffer.byteLength(markdown) <= SUMMARY_LIMIT) return markdown;
  let cut = markdown.slice(0, SUMMARY_LIMIT);
  while (Buffer.byteLength(cut) > SUMMARY_LIMIT - 200) cut = cut.slice(0, -1024);
  cut = cut.slice(0, cut.lastIndexOf("\n") + 1);
  return `${cut}\n_The summary is cut here (GitHub allows 1 MiB per step); the report file has everything._\n`;
}

const STEPS: Record<ActionCommand, (context: StepContext) => Promise<StepResult>> = {
  validate: async (context) => validateStep(context),
  plan: async (context) => (await planStep(context)).result,
  "plan-comment": planCommentStep,
  drift: async (context) => (await driftStep(context)).result,
  "drift-issue": driftIssueStep,
};

function needStack(inputs: ActionInputs): string {
  if (!inputs.stack) throw new InputError(`command "${inputs.command}" needs the input "stack"`);
  return inputs.stack;
}

const policyArgs = (inputs: ActionInputs) => (inputs.policies ? [inputs.policies] : []);

async function planStep(
  context: StepContext,
): Promise<{ result: StepResult; markdown: string; json: string }> {
  const { inputs, env } = context;
  const stack = inputs.stack;
  const base = inputs.base ?? (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined);
  const args = [
    "plan",
    ...policyArgs(inputs),
    ...(stack ? ["--stack", stack] : []),
    ...(base ? ["--base", base] : []),
  ];
  const name = `plan${stack ? `-${stack}` : ""}`;
  const markdown = await context.cli([...args, "--format", "markdown"]);
  if (markdown.code === EXIT.failed) {
    return { result: failed(markdown.code, "plan failed; see the log"), markdown: "", json: "" };
  }
  const json = await context.cli([...args, "--format", "json"]);
  const markdownFile = context.writeFile(`${name}.md`, markdown.stdout);
  const jsonFile = context.writeFile(`${name}.json`, json.stdout);
  const format = inputs.format ?? "json";
  const reportFile =
    format === "markdown" ? markdownFile : format === "json" ? jsonFile : await textReport();
  async function textReport(): Promise<string> {
    const text = await context.cli([...args, "--format", format]);
    return context.writeFile(`${name}.${format === "text" ? "txt" : format}`, text.stdout);
  }
  const changes = countChanges(json.stdout);
  return {
    result: {
      exitCode: json.code,
      errors: 0,
      warnings: 0,
      findings: changes,
      sarifFile: "",
      reportFile,
      summary: markdown.stdout,
      failure: json.code === EXIT.clean ? undefined : `vaultpilot plan exited ${json.code}`,
    },
    markdown: markdownFile,
    json: jsonFile,
  };
}

function countChanges(json: string): number {
  try {
    const plan = JSON.parse(json) as { changes?: Record<string, unknown[] | undefined> };
    return Object.values(plan.changes ?? {}).reduce(
      (sum, list) => sum + (Array.isArray(list) ? list.length : 0),
      0,
    );
  } catch {
    return 0;
  }
}

function failed(exitCode: number, failure: string): StepResult {
  return {
    exitCode,
    errors: 0,
    warnings: 0,
    findings: 0,
    sarifFile: "",
    reportFile: "",
    summary: "",
    failure,
  };
}

/** The pull request's number from the event payload the runner writes ($GITHUB_EVENT_PATH). */
export function pullRequestNumber(env: Env): number | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as {
      pull_request?: { number?: number };
      number?: number;
    };
    return event.pull_request?.number ?? event.number;
  } catch {
    return undefined;
  }
}

const runUrl = (env: Env) =>
  `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY ?? ""}/actions/runs/${env.GITHUB_RUN_ID ?? ""}`;

function tokenEnv(context: StepContext): Env {
  const token = context.inputs.githubToken;
  if (!token) throw new InputError(`command "${context.inputs.command}" needs "github-token"`);
  return { GITHUB_TOKEN: token };
}

async function planCommentStep(context: StepContext): Promise<StepResult> {
  const stack = needStack(context.inputs);
  const pr = pullRequestNumber(context.env);
  if (pr === undefined) {
    throw new InputError("plan-comment runs on pull_request events: the event has no pull request");
  }
  const auth = tokenEnv(context);
  const plan = await planStep(context);
  if (plan.result.failure) return plan.result;
  const posted = await context.cli(
    [
      "plan-comment",
      "--stack",
      stack,
      "--pr",
      String(pr),
      "--markdown",
      relative(context.cwd, plan.markdown),
      "--json",
      relative(context.cwd, plan.json),
      "--full-plan-url",
      runUrl(context.env),
      ...(context.inputs.mask.length ? ["--mask", ...context.inputs.mask] : []),
    ],
    auth,
  );
  return {
    ...plan.result,
    exitCode: posted.code,
    failure:
      posted.code === EXIT.clean ? undefined : "the plan comment was not posted; see the log",
  };
}

async function driftStep(context: StepContext): Promise<{ result: StepResult; json: string }> {
  const { inputs } = context;
  const stack = needStack(inputs);
  const json = join(context.outDir, `drift-${stack}.json`);
  const format = inputs.format === "sarif" || inputs.format === "text" ? inputs.format : "markdown";
  const ran = await context.cli([
    "drift",
    ...policyArgs(inputs),
    "--stack",
    stack,
    ...(inputs.deep ? ["--deep"] : []),
    "--format",
    format,
    "--out",
    relative(context.cwd, json),
  ]);
  // drift: 0 no drift, 1 drift found, 2 could not check (never "clean").
  const checked = ran.code === EXIT.clean || ran.code === EXIT.findings;
  let summary = { findings: 0, errors: 0, warnings: 0 };
  if (checked) {
    writeFileSync(json, context.masker.mask(readFileSync(json, "utf8")));
    summary = (JSON.parse(readFileSync(json, "utf8")) as { summary: typeof summary }).summary;
  }
  const report = context.writeFile(
    `drift-${stack}.${format === "markdown" ? "md" : format === "sarif" ? "sarif" : "txt"}`,
    ran.stdout,
  );
  if (ran.code === EXIT.findings) {
    context.log(
      `::warning title=vaultpilot drift (${stack})::${summary.findings} drift findings in stack ${stack}; see the job summary\n`,
    );
  }
  return {
    result: {
      exitCode: ran.code,
      errors: summary.errors,
      warnings: summary.warnings,
      findings: summary.findings,
      sarifFile: format === "sarif" ? report : "",
      reportFile: checked ? json : "",
      summary: format === "markdown" ? ran.stdout : "",
      failure: checked ? undefined : `vaultpilot drift could not check stack ${stack}; see the log`,
    },
    json,
  };
}

async function driftIssueStep(context: StepContext): Promise<StepResult> {
  const stack = needStack(context.inputs);
  const auth = tokenEnv(context);
  const drift = await driftStep(context);
  if (drift.result.failure) return drift.result;
  const updated = await context.cli(
    [
      "drift-issue",
      "--stack",
      stack,
      "--result",
      relative(context.cwd, drift.json),
      "--run-url",
      runUrl(context.env),
    ],
    auth,
  );
  return {
    ...drift.result,
    failure:
      updated.code === EXIT.clean ? undefined : "the drift issue was not updated; see the log",
  };
}
