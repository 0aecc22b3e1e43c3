import { relative, resolve } from "node:path";
import { loadPolicies } from "../../program/load/load-policies.js";
import { validateDocuments, validatePolicies } from "../../program/validate.js";
import { EXIT, OutputError, UsageError, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { expectedState } from "../../cloud/aws/expected.js";
import { awsReason } from "../../cloud/aws/aws-reason.js";
import {
  accountClients,
  destroyClients,
  identifyAccount,
  type AwsAccess,
} from "../../cloud/aws/live/account-clients.js";
import { readAccount } from "../../cloud/aws/live/read-account.js";
import { accountKey, type LiveAccount } from "../../cloud/aws/live/state.js";
import { adopt, type KnownPolicies } from "./adopt.js";
import type { DiscoverOptions } from "./options.js";
import { writePolicies } from "./write-policies.js";

class DiscoverFailure extends Error {}

export async function discoverCommand(options: DiscoverOptions, io: CliIO): Promise<number> {
  try {
    return await discover(options, io);
  } catch (error) {
    const reason =
      error instanceof DiscoverFailure ||
      error instanceof UsageError ||
      error instanceof OutputError
        ? error.message
        : awsReason(error);
    io.stderr(`vaultpilot discover: ${reason}\n`);
    return EXIT.failed;
  }
}

async function discover(options: DiscoverOptions, io: CliIO): Promise<number> {
  const known = options.policies
    ? knownPolicies(policyDirectory(io.cwd, options.policies))
    : emptyKnown();
  const regions = options.region.length
    ? options.region
    : [io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? "us-east-1"];
  const access: AwsAccess = { env: io.env, installation: "discover", assumeRole: false };
  const account = await callerAccount(access, regions[0]!);
  const live: LiveAccount[] = [];
  for (const region of regions) {
    const clients = await accountClients(access, { account, region, tenant: "" });
    try {
      // No tenant keys to describe and no closer looks: names, tags and rotation rules suffice.
      live.push(
        await readAccount(clients, {
          account,
          region,
          keyAliases: [],
          closerLook: () => false,
          concurrency: 4,
        }),
      );
    } catch (error) {
      throw new DiscoverFailure(`reading ${account}/${region} failed: ${awsReason(error)}`);
    } finally {
      destroyClients(clients);
    }
  }
  const adoption = adopt(live, known);
  const out = resolve(io.cwd, options.out);
  writePolicies({
    out,
    files: Object.fromEntries(
      Object.entries(adoption.files).map(([file, text]) => [
        file,
        `# Written by vaultpilot discover: review every "review" comment, then commit.\n${text}`,
      ]),
    ),
    force: options.force ?? false,
    ...(options.policies && { policies: resolve(io.cwd, options.policies) }),
    cwd: io.cwd,
  });
  for (const skip of adoption.skipped)
    io.stderr(`vaultpilot discover: skipped ${skip.name}: ${skip.reason}\n`);

  // What was written must validate, with the existing policies when given.
  const outcome = options.policies
    ? validateTogether(resolve(io.cwd, options.policies), out)
    : validatePolicies(out);
  const errors = outcome.diagnostics.filter((d) => d.severity === "error");
  const where = relative(io.cwd, out) || ".";
  io.stdout(
    `adopted ${adoption.secrets.length} secret(s) of ${adoption.tenants.length} tenant(s) into ${where}` +
      ` (${Object.keys(adoption.files).length} file(s)); ${errors.length ? `${errors.length} validation error(s)` : "validates"}\n`,
  );
  for (const d of errors) io.stderr(`${d.file}:${d.line}:${d.column}  ${d.rule}  ${d.message}\n`);
  return errors.length ? EXIT.findings : EXIT.clean;
}

function emptyKnown(): KnownPolicies {
  return { tenants: new Set(), declared: new Set(), schedules: new Map() };
}

function knownPolicies(root: string): KnownPolicies {
  const { model, diagnostics } = validatePolicies(root);
  if (!model) {
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    throw new DiscoverFailure(
      `the policies in ${root} have ${errors} error(s); run vaultpilot validate first`,
    );
  }
  const declared = new Set<string>();
  for (const tenant of expectedState(model)) {
    for (const secret of tenant.secrets)
      declared.add(`${accountKey(tenant.account, tenant.region)}/${secret.name}`);
  }
  return {
    tenants: new Set(model.tenants.map((t) => t.name)),
    declared,
    schedules: new Map(
      model.schedules.map((s) => [
        s.name,
        {
          everyDays: s.everyDays,
          ...(s.window && {
            window: { start: s.window.start, durationHours: s.window.durationHours },
          }),
        },
      ]),
    ),
  };
}

function validateTogether(policies: string, out: string) {
  const inside = !relative(policies, out).startsWith("..");
  if (inside) return validatePolicies(policies);
  const a = loadPolicies(policies);
  const b = loadPolicies(out);
  return validateDocuments(
    [...a.documents, ...b.documents],
    [...a.diagnostics, ...b.diagnostics],
    [...a.files, ...b.files],
  );
}

async function callerAccount(access: AwsAccess, region: string): Promise<string> {
  try {
    return await identifyAccount(access, region);
  } catch (error) {
    throw new DiscoverFailure(`cannot identify the account: ${awsReason(error)}`);
  }
}
