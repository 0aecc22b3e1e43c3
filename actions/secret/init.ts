import { DescribeSecretCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { AwsClients } from "../../components/rotation/aws/clients.js";
import { secretId } from "../../components/rotation/config.js";
import type { Secret } from "../../program/model.js";
import { validatePolicies } from "../../program/validate.js";
import { EXIT, UsageError, type CliIO } from "../io.js";
import { policyDirectory } from "../policy-directory.js";
import { cliAws, oneLine, parseRef } from "../rotation/shared.js";

/**
 * A database secret's first value, in the shape AWS's rotation templates and VaultPilot's
 * strategies read: everything but the password comes from the policy's spec.connection.
 */
export function initialValue(
  secret: Secret,
  password: string,
  masterArn: string | undefined,
): Record<string, unknown> {
  const connection = secret.connection!;
  return {
    engine: secret.type,
    host: connection.host,
    port: connection.port,
    username: connection.username,
    password,
    ...(connection.database !== undefined && { dbname: connection.database }),
    ...(masterArn !== undefined && { masterarn: masterArn }),
    ...(connection.tls && { ssl: true }),
  };
}

/** The policy's database secret `ref`, or a one-line usage error saying why not. */
function databaseSecret(
  ref: { tenant: string; name: string },
  policies: string,
  io: CliIO,
): Secret {
  const result = validatePolicies(policyDirectory(io.cwd, policies));
  if (!result.model)
    throw new UsageError(
      `the policies in ${policies} do not validate; run vaultpilot validate ${policies}`,
    );
  const tenant = result.model.tenants.find((t) => t.name === ref.tenant);
  if (!tenant) throw new UsageError(`no tenant "${ref.tenant}" in ${policies}`);
  const secret = tenant.secrets.find((s) => s.name === ref.name);
  if (!secret)
    throw new UsageError(`no secret "${ref.name}" in tenant "${ref.tenant}" (${policies})`);
  if (secret.type !== "postgres" && secret.type !== "mysql")
    throw new UsageError(
      `${ref.tenant}/${ref.name} is of type ${secret.type}; secret init writes postgres and mysql secrets, whose value it builds from spec.connection`,
    );
  if (!secret.connection)
    throw new UsageError(
      `${ref.tenant}/${ref.name} has no spec.connection in ${policies}; add host and username there first`,
    );
  return secret;
}

/** All of standard input; the password, without one trailing newline. */
async function readPassword(io: CliIO): Promise<string> {
  let text: string;
  if (io.stdin) text = await io.stdin();
  else {
    if (process.stdin.isTTY)
      throw new UsageError(
        "the password is read from standard input, which is a terminal: pipe it in, e.g. vaultpilot secret init acme/orders-db < password-file",
      );
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString("utf8");
  }
  const password = text.replace(/\r?\n$/, "");
  if (!password)
    throw new UsageError(
      "standard input is empty: pipe the password in, e.g. vaultpilot secret init acme/orders-db < password-file",
    );
  if (/[\r\n]/.test(password))
    throw new UsageError("the password on standard input spans several lines; give one line");
  return password;
}

function notFound(error: unknown): boolean {
  return (error as { name?: string }).name === "ResourceNotFoundException";
}

/** `vaultpilot secret init <tenant>/<secret> [--force]`: returns the exit status. */
export async function secretInitCommand(
  ref: string,
  options: { policies: string; force?: boolean },
  io: CliIO,
): Promise<number> {
  const target = parseRef(ref);
  const secret = databaseSecret(target, options.policies, io);
  const password = await readPassword(io);
  const clients = new AwsClients(cliAws(io));
  const sm = clients.secretsManager();
  try {
    let described;
    try {
      described = await sm.send(new DescribeSecretCommand({ SecretId: target.secretId }));
    } catch (error) {
      if (!notFound(error)) throw error;
      io.stderr(
        `vaultpilot: ${target.secretId} is not in Secrets Manager; deploy the policies first (pulumi up creates it), then run secret init again. Nothing was written\n`,
      );
      return EXIT.findings;
    }
    const current = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) =>
      stages.includes("AWSCURRENT"),
    );
    if (current && !options.force) {
      io.stderr(
        `vaultpilot: ${target.secretId} already has a value (version ${current[0]}); nothing was written. Use --force to replace it\n`,
      );
      return EXIT.findings;
    }
    let masterArn: string | undefined;
    const master = secret.connection!.masterSecret;
    if (secret.connection!.strategy === "alternating" && master) {
      const masterId = secretId(master.tenant.name, master.name);
      try {
        masterArn = (await sm.send(new DescribeSecretCommand({ SecretId: masterId }))).ARN;
      } catch (error) {
        if (!notFound(error)) throw error;
        io.stderr(
          `vaultpilot: the master secret ${masterId} is not in Secrets Manager; deploy it and give it a value first. Nothing was written\n`,
        );
        return EXIT.findings;
      }
    }
    const value = initialValue(secret, password, masterArn);
    const written = await sm.send(
      new PutSecretValueCommand({
        SecretId: target.secretId,
        SecretString: JSON.stringify(value),
      }),
    );
    const c = secret.connection!;
    io.stdout(
      `wrote ${target.secretId}: version ${written.VersionId} is AWSCURRENT (${secret.type} user ${c.username} at ${c.host}:${c.port}${c.database ? `/${c.database}` : ""}${c.tls ? ", ssl" : ""})\n`,
    );
    return EXIT.clean;
  } catch (error) {
    // An AWS error's message never holds the value; still, never print what came from stdin.
    io.stderr(`vaultpilot: ${oneLine(error).split(password).join("***")}\n`);
    return EXIT.failed;
  } finally {
    clients.destroy();
  }
}
