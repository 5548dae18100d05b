import { readFileSync } from "node:fs";
import type { Argument, Command, Option } from "commander";
import { defaultPolicyDir, findPolicyFiles } from "../../lib/policy/load";
import { VERSION } from "../../lib/util/version";
import { EXIT, UsageError } from "../exit";

/**
 * What a shell completes after a command path, read from the commander program itself, so the scripts follow every
 * command and option as they are defined (cli/commands/*.command.ts), with nothing listed twice.
 */
interface CommandSpec {
  /** The subcommands typed to get here, space-separated; "" for `guardrail` itself. */
  path: string;
  description: string;
  subcommands: string[];
  options: { names: string[]; value: ValueKind; description: string }[];
  argument: ValueKind;
}

/** What a value is completed from: nothing (a flag), free text, file names, the pack's policy ids, or choices. */
type ValueKind =
  | { kind: "none" }
  | { kind: "text" }
  | { kind: "files" }
  | { kind: "policies" }
  | { kind: "choices"; choices: string[] };

const POLICY_OPTIONS = new Set(["--policy", "--skip-policy"]);
const POLICY_ARGUMENTS = new Set(["id", "policy-id"]);
// Placeholders of options and arguments that name files or folders: <file>, <path>, <paths...>, <folder|package>, <event.json>.
const FILE_PLACEHOLDER = /file|path|dir|folder|\.json/i;

function optionValue(o: Option): ValueKind {
  if (!o.required && !o.optional) return { kind: "none" };
  if (o.argChoices) return { kind: "choices", choices: o.argChoices };
  if (o.long && POLICY_OPTIONS.has(o.long)) return { kind: "policies" };
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1] ?? "";
  return FILE_PLACEHOLDER.test(placeholder) ? { kind: "files" } : { kind: "text" };
}

function argumentValue(args: readonly Argument[]): ValueKind {
  const first = args[0];
  if (!first) return { kind: "none" };
  if (first.argChoices) return { kind: "choices", choices: first.argChoices };
  if (POLICY_ARGUMENTS.has(first.name())) return { kind: "policies" };
  return FILE_PLACEHOLDER.test(first.name()) ? { kind: "files" } : { kind: "text" };
}

export function commandSpecs(program: Command): CommandSpec[] {
  const specs: CommandSpec[] = [];
  const visit = (cmd: Command, path: string) => {
    const options = cmd.options
      .filter((o) => !o.hidden)
      .map((o) => ({
        names: [o.short, o.long].filter((n): n is string => Boolean(n)),
        value: optionValue(o),
        description: o.description,
      }));
    options.push({ names: ["-h", "--help"], value: { kind: "none" }, description: "display help for command" });
    specs.push({
      path,
      description: cmd.description(),
      subcommands: cmd.commands.map((c) => c.name()),
      options,
      argument: argumentValue(cmd.registeredArguments),
    });
    for (const sub of cmd.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, "");
  return specs;
}

/** The built-in pack's policy ids, read from the policy files without compiling anything. */
export function builtinPolicyIds(): string[] {
  const ids = new Set<string>();
  for (const file of findPolicyFiles([defaultPolicyDir()])) {
    try {
      const id = (JSON.parse(readFileSync(file, "utf8")) as { id?: unknown }).id;
      if (typeof id === "string") ids.add(id);
    } catch {
      // A policy file that does not parse has no id to offer; `guardrail validate` names it.
    }
  }
  return [...ids].sort();
}

/** A word for a POSIX shell or fish, single-quoted. */
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const fishQuote = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function valueCode(v: ValueKind): string {
  switch (v.kind) {
    case "choices":
      return `choices:${v.choices.join(" ")}`;
    case "none":
      return "";
    default:
      return v.kind;
  }
}

/** bash (3.2 and later: no associative arrays); zsh runs the same functions through bashcompinit. */
export function bashScript(specs: CommandSpec[]): string {
  const subcommands = specs
    .filter((s) => s.subcommands.length > 0)
    .map((s) => `    ${quote(s.path)}) echo ${quote(s.subcommands.join(" "))} ;;`);
  const options = specs.map(
    (s) => `    ${quote(s.path)}) echo ${quote(s.options.flatMap((o) => o.names).join(" "))} ;;`,
  );
  const values = specs.flatMap((s) =>
    s.options
      .filter((o) => o.value.kind !== "none")
      .map(
        (o) => `    ${o.names.map((n) => quote(`${s.path}|${n}`)).join(" | ")}) echo ${quote(valueCode(o.value))} ;;`,
      ),
  );
  const args = specs
    .filter((s) => s.argument.kind !== "none")
    .map((s) => `    ${quote(s.path)}) echo ${quote(valueCode(s.argument))} ;;`);
  return `# guardrail ${VERSION} completion for bash: source <(guardrail completion bash)
# Generated from guardrail's own command definitions; policy ids come from \`guardrail completion --policy-ids\`.

_guardrail_subcommands() {
  case "$1" in
${subcommands.join("\n")}
  esac
}

_guardrail_options() {
  case "$1" in
${options.join("\n")}
  esac
}

# What an option's value is completed from: files, policies, choices:<words>, text; nothing for a flag.
_guardrail_value() {
  case "$1|$2" in
${values.join("\n")}
  esac
}

_guardrail_argument() {
  case "$1" in
${args.join("\n")}
  esac
}

_guardrail_policy_ids() {
  if [ -z "\${_GUARDRAIL_POLICY_IDS+set}" ]; then
    _GUARDRAIL_POLICY_IDS="$(guardrail completion --policy-ids 2>/dev/null)"
  fi
  printf '%s\\n' "$_GUARDRAIL_POLICY_IDS"
}

_guardrail_complete_kind() {
  case "$1" in
    files)
      compopt -o filenames 2>/dev/null
      local IFS=$'\\n'
      COMPREPLY=($(compgen -f -- "$cur")) ;;
    policies) COMPREPLY=($(compgen -W "$(_guardrail_policy_ids)" -- "$cur")) ;;
    choices:*) COMPREPLY=($(compgen -W "\${1#choices:}" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}

_guardrail() {
  [ -n "\${ZSH_VERSION-}" ] && setopt localoptions ksharrays
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd_path="" word kind i=1
  [ "$COMP_CWORD" -gt 0 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The subcommands typed before the word being completed; an option's value is not a subcommand.
  while [ "$i" -lt "$COMP_CWORD" ]; do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      -*=*) ;;
      -*) [ -n "$(_guardrail_value "$cmd_path" "$word")" ] && i=$((i + 1)) ;;
      *)
        case " $(_guardrail_subcommands "$cmd_path") " in
          *" $word "*) cmd_path="\${cmd_path:+$cmd_path }$word" ;;
        esac ;;
    esac
    i=$((i + 1))
  done
  case "$prev" in
    -*)
      kind="$(_guardrail_value "$cmd_path" "$prev")"
      if [ -n "$kind" ]; then _guardrail_complete_kind "$kind"; return 0; fi ;;
  esac
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$(_guardrail_options "$cmd_path")" -- "$cur")); return 0 ;;
  esac
  local subs
  subs="$(_guardrail_subcommands "$cmd_path")"
  if [ -n "$subs" ]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    _guardrail_complete_kind "$(_guardrail_argument "$cmd_path")"
  fi
  return 0
}

complete -F _guardrail guardrail
`;
}

export function zshScript(specs: CommandSpec[]): string {
  return `#compdef guardrail
# guardrail ${VERSION} completion for zsh: source <(guardrail completion zsh)
# zsh runs the bash completion functions below through its bashcompinit.
autoload -U +X compinit && { (( $+functions[compdef] )) || compinit; }
autoload -U +X bashcompinit && bashcompinit

${bashScript(specs)}`;
}

export function fishScript(specs: CommandSpec[]): string {
  const lines: string[] = [];
  const cases = (fn: string, arms: [string, string][]) =>
    `function ${fn}\n    switch "$argv[1]"\n${arms.map(([k, v]) => `        case ${fishQuote(k)}\n            echo ${fishQuote(v)}`).join("\n")}\n    end\nend`;
  lines.push(
    cases(
      "__guardrail_subcommands",
      specs.filter((s) => s.subcommands.length > 0).map((s) => [s.path, s.subcommands.join(" ")]),
    ),
  );
  lines.push(
    cases(
      "__guardrail_value_options",
      specs.map((s) => [
        s.path,
        s.options
          .filter((o) => o.value.kind !== "none")
          .flatMap((o) => o.names)
          .join(" "),
      ]),
    ),
  );
  lines.push(`# The subcommands typed so far, as one space-separated path ("" for guardrail itself).
function __guardrail_path
    set -l tokens (commandline -opc)
    set -l path ""
    set -l skip 0
    for word in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        if string match -q -- '-*=*' $word
            continue
        else if string match -q -- '-*' $word
            if contains -- $word (string split ' ' -- (__guardrail_value_options "$path"))
                set skip 1
            end
        else if contains -- $word (string split ' ' -- (__guardrail_subcommands "$path"))
            set path (string trim -- "$path $word")
        end
    end
    echo $path
end

function __guardrail_at
    test (__guardrail_path) = "$argv[1]"
end`);
  const at = (path: string) => `-n ${fishQuote(`__guardrail_at ${fishQuote(path)}`)}`;
  const valueArgs = (v: ValueKind): string => {
    switch (v.kind) {
      case "choices":
        return `-x -a ${fishQuote(v.choices.join(" "))}`;
      case "policies":
        return "-x -a '(guardrail completion --policy-ids)'";
      case "files":
        return "-r -F";
      case "text":
        return "-x";
      default:
        return "";
    }
  };
  for (const s of specs) {
    const byName = new Map(specs.map((x) => [x.path, x]));
    for (const sub of s.subcommands) {
      const child = byName.get(s.path ? `${s.path} ${sub}` : sub);
      lines.push(
        `complete -c guardrail -f ${at(s.path)} -a ${fishQuote(sub)} -d ${fishQuote(firstLine(child?.description ?? ""))}`,
      );
    }
    for (const o of s.options) {
      const names = o.names.map((n) => (n.startsWith("--") ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`)).join(" ");
      lines.push(
        `complete -c guardrail ${at(s.path)} ${names} ${valueArgs(o.value)} -d ${fishQuote(firstLine(o.description))}`.replace(
          / {2,}/g,
          " ",
        ),
      );
    }
    if (s.subcommands.length === 0 && s.argument.kind !== "none") {
      lines.push(`complete -c guardrail ${at(s.path)} ${valueArgs(s.argument)}`.replace(/ {2,}/g, " "));
    }
  }
  return `# guardrail ${VERSION} completion for fish: guardrail completion fish > ~/.config/fish/completions/guardrail.fish
# Generated from guardrail's own command definitions; policy ids come from \`guardrail completion --policy-ids\`.
complete -c guardrail -f

${lines.join("\n")}
`;
}

const firstLine = (s: string): string => s.split("\n")[0]?.slice(0, 100) ?? "";

export function completionCommand(shell: string | undefined, opts: { policyIds?: boolean }, program: Command): number {
  if (opts.policyIds) {
    const ids = builtinPolicyIds();
    process.stdout.write(ids.length > 0 ? `${ids.join("\n")}\n` : "");
    return EXIT.ok;
  }
  const specs = commandSpecs(program);
  switch (shell) {
    case "bash":
      process.stdout.write(bashScript(specs));
      return EXIT.ok;
    case "zsh":
      process.stdout.write(zshScript(specs));
      return EXIT.ok;
    case "fish":
      process.stdout.write(fishScript(specs));
      return EXIT.ok;
    default:
      throw new UsageError("completion: name a shell: guardrail completion bash|zsh|fish (or --policy-ids)");
  }
}
