import { dirname, join, relative, resolve } from "node:path";
import { validatePolicies } from "../../program/validate.js";
import type { PolicyModel } from "../../program/model.js";
import { EXIT, OutputError, UsageError, writeFileWhole, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { checkDrift, type Finding } from "./checks.js";
import { expectedState, type ExpectedTenant } from "../../cloud/aws/expected.js";
import { awsReason } from "../../cloud/aws/aws-reason.js";
import { DriftFailure } from "./failure.js";
import { DRIFT_FORMATTERS } from "./formats/index.js";
import { formatJson } from "./formats/json.js";
import {
  accountClients,
  destroyClients,
  type AwsAccess,
} from "../../cloud/aws/live/account-clients.js";
import { mapLimit } from "../../cloud/aws/live/concurrency.js";
import { readAccount } from "../../cloud/aws/live/read-account.js";
import { accountKey, type LiveAccount } from "../../cloud/aws/live/state.js";
import { progressBar } from "./progress.js";
import { sortFindings, summarize, type DriftResult, type Locate } from "./result.js";
import type { DriftOptions } from "./options.js";
import { stackScope } from "./stack.js";
import { checkVaultDrift, secretsManagerView } from "./vault.js";
import { useColor } from "../terminal.js";

export async function driftCommand(dir: string, options: DriftOptions, io: CliIO): Promise<number> {
  try {
    const result = await runDrift(dir, options, io);
    // The artifact first: a full disk fails the run before anything claims success.
    if (options.out)
      writeFileWhole(resolve(io.cwd, options.out), formatJson(result.drift), options.out);
    io.stdout(
      DRIFT_FORMATTERS[options.format]({
        result: result.drift,
        color: useColor(io),
        locate: result.locate,
        policyDir: relative(io.cwd, result.root).split("\\").join("/") || ".",
      }),
    );
    if (options.notify) await notifyDrift(result, io);
    return result.drift.findings.length > 0 ? EXIT.findings : EXIT.clean;
  } catch (error) {
    if (error instanceof OutputError) {
      io.stderr(`vaultpilot drift: ${error.message}\n`);
      return EXIT.failed;
    }
    if (error instanceof DriftFailure || error instanceof UsageError) {
      io.stderr(`vaultpilot drift: could not check: ${error.message}\n`);
      return EXIT.failed;
    }
    io.stderr(`vaultpilot drift: could not check: internal error: ${awsReason(error)}\n`);
    return EXIT.failed;
  }
}

function number(text: string, what: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    throw new UsageError(`${what} must be a number ≥ ${min}, got "${text}"`);
  return value;
}

async function runDrift(dir: string, options: DriftOptions, io: CliIO) {
  const graceHours = number(options.grace, "--grace", 0);
  const stuckHours = number(options.stuckAfter, "--stuck-after", 0);
  const concurrency = Math.floor(number(options.concurrency, "--concurrency", 1));
  const at = options.at ? new Date(options.at) : new Date();
  if (Number.isNaN(at.getTime()))
    throw new UsageError(`--at must be an ISO 8601 time, got "${options.at}"`);

  const root = policyDirectory(io.cwd, dir);
  const validation = validatePolicies(root);
  const model = validation.model;
  if (!model) {
    const errors = validation.diagnostics.filter((d) => d.severity === "error").length;
    throw new DriftFailure(
      `the policies in "${dir}" have ${errors} error(s); run vaultpilot validate ${dir}`,
    );
  }
  const stack = options.stack ? stackScope(io.cwd, options.stack, model) : undefined;
  // Tenants on a vault store: their key is checked in AWS, their secrets in OpenBao (vault.ts).
  const tenants = expectedState(secretsManagerView(model), stack?.tenants);
  const live = await readLive(
    tenants,
    { deep: options.deep, concurrency },
    {
      env: io.env,
      installation: options.installation ?? stack?.installation ?? "default",
      assumeRole: options.assumeRole,
    },
    io,
  );
  const vaultTenants = model.tenants.filter(
    (t) => t.store.type === "vault" && (!stack || stack.tenants.has(t.name)),
  );
  const findings = sortFindings([
    ...checkDrift(
      {
        tenants,
        knownTenants: new Set(model.tenants.map((t) => t.name)),
        declared: declaredSecrets(secretsManagerView(model)),
        live,
      },
      { at, graceHours, stuckHours, deep: options.deep },
    ),
    ...(await checkVaultDrift(vaultTenants, { at, graceHours, stuckHours }, io.env)),
  ]);
  const drift: DriftResult = {
    findings,
    summary: summarize(findings, {
      stack: options.stack ?? null,
      tenants: tenants.length,
      secrets:
        tenants.reduce((n, t) => n + t.secrets.length, 0) +
        vaultTenants.reduce((n, t) => n + t.secrets.length, 0),
      accounts: live.length,
      deep: options.deep,
      at: at.toISOString(),
    }),
  };
  return {
    drift,
    locate: locator(model, root, io.cwd),
    root,
    model,
    checked: tenants.map((t) => t.name),
  };
}

/** `--notify`: after the output, so a notification never delays or changes the result. */
async function notifyDrift(
  result: { drift: DriftResult; model: PolicyModel; checked: readonly string[] },
  io: CliIO,
): Promise<void> {
  const { driftNotices, readDriftState, writeDriftState } = await import("../notify/drift.js");
  const { sendNotices } = await import("../notify/send.js");
  const { notifyStatePath } = await import("../notify/cli-options.js");
  const statePath = join(dirname(notifyStatePath(io)), "drift-state.json");
  const { notices, state } = driftNotices(
    result.checked,
    result.drift.findings,
    readDriftState(statePath),
    result.drift.summary.at,
  );
  await sendNotices(result.model, notices, io, "drift");
  try {
    writeDriftState(statePath, state);
  } catch (error) {
    io.stderr(
      `vaultpilot drift: note: the drift state for --notify was not saved: ${awsReason(error)}\n`,
    );
  }
}

function declaredSecrets(model: PolicyModel): Set<string> {
  const declared = new Set<string>();
  for (const tenant of expectedState(model)) {
    for (const secret of tenant.secrets) {
      declared.add(`${accountKey(tenant.account, tenant.region)}/${secret.name}`);
    }
  }
  return declared;
}

/** Reads each account and region once, with bounded concurrency; any failure fails the run. */
export async function readLive(
  tenants: readonly ExpectedTenant[],
  options: { deep: boolean; concurrency: number },
  access: AwsAccess,
  io: CliIO,
): Promise<LiveAccount[]> {
  const groups = new Map<string, ExpectedTenant[]>();
  for (const tenant of tenants) {
    const key = accountKey(tenant.account, tenant.region);
    groups.set(key, [...(groups.get(key) ?? []), tenant]);
  }
  const progress = progressBar(io, groups.size);
  try {
    return await mapLimit([...groups.values()], Math.min(4, options.concurrency), async (group) => {
      const first = [...group].sort((a, b) => a.name.localeCompare(b.name))[0]!;
      const where = `${first.account}/${first.region}`;
      let clients;
      try {
        clients = await accountClients(access, {
          account: first.account,
          region: first.region,
          tenant: first.name,
        });
      } catch (error) {
        throw new DriftFailure(`assuming the reader role in ${where} failed: ${awsReason(error)}`);
      }
      try {
        const managed = new Set(group.flatMap((t) => t.secrets.map((s) => s.name)));
        const live = await readAccount(clients, {
          account: first.account,
          region: first.region,
          keyAliases: group.map((t) => t.keyAlias),
          closerLook: (secret) => managed.has(secret.name),
          ...(options.deep && { deepSecrets: managed }),
          concurrency: options.concurrency,
          onProgress: (event) => progress.add(event),
        });
        progress.add({ accounts: 1 });
        return live;
      } catch (error) {
        throw new DriftFailure(`reading ${where} failed: ${awsReason(error)}`);
      } finally {
        destroyClients(clients);
      }
    });
  } finally {
    progress.done();
  }
}

function locator(model: PolicyModel, root: string, cwd: string): Locate {
  const fromCwd = (file: string) => relative(cwd, join(root, file)).split("\\").join("/");
  const places = new Map<string, { file: string; line: number; column: number }>();
  for (const tenant of model.tenants) {
    const expected = expectedState(model, new Set([tenant.name]))[0]!;
    const at = tenant.source.at(["metadata", "name"], "value");
    places.set(`${tenant.name}\0${expected.keyAlias}`, {
      file: fromCwd(tenant.source.file),
      ...at,
    });
    tenant.secrets.forEach((secret, i) => {
      const where = secret.source.at(["metadata", "name"], "value");
      places.set(`${tenant.name}\0${expected.secrets[i]!.name}`, {
        file: fromCwd(secret.source.file),
        ...where,
      });
    });
  }
  return (f: Finding) => places.get(`${f.tenant}\0${f.resource}`);
}
