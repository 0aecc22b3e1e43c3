import type { Command } from "commander";
import type { Shell } from "./options.js";

/** What completion needs to know of one command, read from the CLI's own definitions. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
}

export interface OptionSpec {
  /** `--format`, and `-f` when it has a short form. */
  readonly long: string;
  readonly short: string | undefined;
  readonly description: string;
  /** Whether a value follows the flag. */
  readonly takesValue: boolean;
  /** The values it accepts, when the CLI lists them. */
  readonly choices: readonly string[];
}

/** Every command and option of `program`, so completion can never fall behind the CLI. */
export function describeCommands(program: Command): CommandSpec[] {
  return program.commands.map((command) => ({
    name: command.name(),
    description: firstSentence(command.description()),
    options: [
      ...command.options.map((option) => ({
        long: option.long ?? option.flags,
        short: option.short,
        description: firstSentence(option.description),
        takesValue: option.required || option.optional,
        choices: option.argChoices ?? [],
      })),
      { long: "--help", short: "-h", description: "show help", takesValue: false, choices: [] },
    ],
  }));
}

const firstSentence = (text: string) => text.split(/(?<=\.)\s|\n/)[0]!.replace(/\.$/, "");

/** The completion script for `shell`. */
export function completionScript(shell: Shell, commands: readonly CommandSpec[]): string {
  switch (shell) {
    case "bash":
      return bash(commands);
    case "zsh":
      return zsh(commands);
    case "fish":
      return fish(commands);
  }
}

function bash(commands: readonly CommandSpec[]): string {
  const names = commands.map((c) => c.name).join(" ");
  const optionCases = commands
    .map((c) => {
      const flags = c.options.flatMap((o) => (o.short ? [o.long, o.short] : [o.long])).join(" ");
      return `    ${c.name}) opts="${flags}" ;;`;
    })
    .join("\n");
  const valueCases = commands
    .flatMap((c) =>
      c.options
        .filter((o) => o.takesValue)
        .map((o) => {
          const flags = [o.long, o.short].filter(Boolean).join("|");
          const reply = o.choices.length
            ? `COMPREPLY=($(compgen -W "${o.choices.join(" ")}" -- "$cur"))`
            : `COMPREPLY=($(compgen -f -- "$cur"))`;
          return `    ${c.name}:${flags.replace(/\|/g, `|${c.name}:`)}) ${reply}; return ;;`;
        }),
    )
    .join("\n");
  return `# bash completion for vaultpilot: source <(vaultpilot completion bash)
_vaultpilot() {
  local cur prev command opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${names} --help --version" -- "$cur"))
    return
  fi
  command="\${COMP_WORDS[1]}"
  case "$command:$prev" in
${valueCases}
  esac
  case "$command" in
${optionCases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _vaultpilot vaultpilot
`;
}

const zshQuote = (text: string) => text.replace(/'/g, "'\\''").replace(/[[\]:]/g, "\\$&");

function zsh(commands: readonly CommandSpec[]): string {
  const list = commands.map((c) => `    '${c.name}:${zshQuote(c.description)}'`).join("\n");
  const cases = commands
    .map((c) => {
      const specs = c.options.map((o) => {
        const value = o.takesValue
          ? `:value:${o.choices.length ? `(${o.choices.join(" ")})` : "_files"}`
          : "";
        const description = `[${zshQuote(o.description)}]`;
        return o.short
          ? `'(${o.short} ${o.long})'{${o.short},${o.long}}'${description}${value}'`
          : `'${o.long}${description}${value}'`;
      });
      return `      ${c.name})\n        _arguments ${[...specs, "'*:file:_files'"].join(" \\\n          ")}\n        ;;`;
    })
    .join("\n");
  return `#compdef vaultpilot
# zsh completion for vaultpilot: vaultpilot completion zsh > "\${fpath[1]}/_vaultpilot"
_vaultpilot() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case "\${words[1]}" in
${cases}
  esac
}
_vaultpilot "$@"
`;
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function fish(commands: readonly CommandSpec[]): string {
  const names = commands.map((c) => c.name).join(" ");
  const lines = [
    "# fish completion for vaultpilot: vaultpilot completion fish > ~/.config/fish/completions/vaultpilot.fish",
    "complete -c vaultpilot -f",
    ...commands.map(
      (c) =>
        `complete -c vaultpilot -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${fishQuote(c.description)}`,
    ),
    ...commands.flatMap((c) =>
      c.options.map((o) => {
        const parts = [
          `complete -c vaultpilot -n "__fish_seen_subcommand_from ${c.name}"`,
          `-l ${o.long.replace(/^--/, "")}`,
          ...(o.short ? [`-s ${o.short.replace(/^-/, "")}`] : []),
          ...(o.takesValue ? ["-r"] : []),
          ...(o.choices.length
            ? [`-a ${fishQuote(o.choices.join(" "))}`]
            : o.takesValue
              ? ["-F"]
              : []),
          `-d ${fishQuote(o.description)}`,
        ];
        return parts.join(" ");
      }),
    ),
  ];
  return `${lines.join("\n")}\n`;
}
