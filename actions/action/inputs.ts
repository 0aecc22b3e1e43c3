/** What the action can run: the CLI's commands a workflow calls (see action.yml). */
export const ACTION_COMMANDS = [
  "validate",
  "plan",
  "plan-comment",
  "drift",
  "drift-issue",
] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/** action.yml's inputs, as read from the runner's `INPUT_<NAME>` variables (hyphens kept). */
export interface ActionInputs {
  /** @default "validate" */
  readonly command: ActionCommand;
  /** @default - the config's `policies`, else `policies` */
  readonly policies: string | undefined;
  /** @default - every tenant (validate); plan and drift need one */
  readonly stack: string | undefined;
  /** The ref plan compares with. @default - `origin/<base branch>` on pull requests */
  readonly base: string | undefined;
  /** The report file's format. @default - json */
  readonly format: string | undefined;
  readonly githubToken: string | undefined;
  /** @default "." */
  readonly workingDirectory: string;
  /** Names of environment variables whose values are masked in everything the action writes. */
  readonly mask: readonly string[];
  /** drift: also the checks that cost one AWS call per secret. @default false */
  readonly deep: boolean;
}

export class InputError extends Error {}

/** The runner's contract: `INPUT_` + the input's name upper-cased, spaces as `_`, hyphens kept. */
export function input(env: Readonly<Record<string, string | undefined>>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

export function readInputs(env: Readonly<Record<string, string | undefined>>): ActionInputs {
  const command = input(env, "command") || "validate";
  if (!(ACTION_COMMANDS as readonly string[]).includes(command)) {
    throw new InputError(
      `input "command" is "${command}"; use one of ${ACTION_COMMANDS.join(", ")}`,
    );
  }
  const optional = (name: string) => input(env, name) || undefined;
  return {
    command: command as ActionCommand,
    policies: optional("policies"),
    stack: optional("stack"),
    base: optional("base"),
    format: optional("format"),
    githubToken: optional("github-token"),
    workingDirectory: input(env, "working-directory") || ".",
    deep: input(env, "deep") === "true",
    mask: input(env, "mask")
      .split(/[\s,]+/)
      .filter((name) => name !== ""),
  };
}
