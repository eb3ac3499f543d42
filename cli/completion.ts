/**
 * Shell completion scripts, generated from the command table so they never
 * drift from it: command and subcommand names, each command's flags, the
 * values of enumerated flags (`find -type`), and inventory paths (a word
 * starting with `/` is completed by running `tsvmomi ls` on its folder, with
 * the same connection environment).
 */
import { COMMANDS } from "./commands/index.js";
import { GLOBAL_FLAGS } from "./main.js";
import type { FlagSpec } from "./args.js";

// govc spells every flag with one dash; the parser takes one or two.
const flagWords = (specs: readonly FlagSpec[]) => specs.flatMap((f) => [f.name, ...(f.alias ?? [])].map((n) => `-${n}`));

function tables() {
  const top = [...new Set(COMMANDS.map((c) => c.name.split(" ")[0]!))];
  const subs = new Map<string, string[]>();
  for (const c of COMMANDS) {
    const [group, sub] = c.name.split(" ");
    if (sub) subs.set(group!, [...(subs.get(group!) ?? []), sub]);
  }
  const flags = new Map<string, string[]>(COMMANDS.map((c) => [c.name, [...flagWords(c.flags ?? []), ...flagWords(GLOBAL_FLAGS)]]));
  const values = new Map<string, readonly string[]>();
  for (const c of COMMANDS) for (const f of c.flags ?? []) if (f.values) values.set(`${c.name}:${f.name}`, f.values);
  const paths = COMMANDS.filter((c) => c.args === "path" || c.args === "property").map((c) => c.name);
  return { top, subs, flags, values, paths };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function bashScript(): string {
  const t = tables();
  const cases = (m: Map<string, readonly string[]>) =>
    [...m].map(([k, v]) => `    ${q(k)}) echo ${q(v.join(" "))} ;;`).join("\n");
  return `# tsvmomi bash completion: eval "$(tsvmomi completion bash)"
_tsvmomi_subs() {
  case "$1" in
${cases(t.subs)}
  esac
}
_tsvmomi_flags() {
  case "$1" in
${cases(t.flags)}
  esac
}
_tsvmomi_values() {
  case "$1" in
${cases(t.values)}
  esac
}
_tsvmomi() {
  local cur prev cmd w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if [[ -z "$cmd" ]]; then cmd="$w"; elif [[ -n "$(_tsvmomi_subs "$cmd")" && "$cmd" != *" "* ]]; then cmd="$cmd $w"; break; else break; fi
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W ${q(t.top.join(" "))} -- "$cur")); return
  fi
  if [[ "$cmd" != *" "* && -n "$(_tsvmomi_subs "$cmd")" ]]; then
    COMPREPLY=($(compgen -W "$(_tsvmomi_subs "$cmd")" -- "$cur")); return
  fi
  local vals; vals="$(_tsvmomi_values "$cmd:\${prev#-}")"; vals="\${vals:-$(_tsvmomi_values "$cmd:\${prev#--}")}"
  if [[ -n "$vals" ]]; then COMPREPLY=($(compgen -W "$vals" -- "$cur")); return; fi
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$(_tsvmomi_flags "$cmd")" -- "$cur")); return; fi
  case " ${t.paths.map((p) => p.replace(/ /g, "_")).join(" ")} " in
    *" \${cmd// /_} "*)
      if [[ "$cur" == /* ]]; then
        local dir="\${cur%/*}"; [[ -z "$dir" ]] && dir="/"
        COMPREPLY=($(compgen -W "$(tsvmomi ls "$dir" 2>/dev/null)" -- "$cur"))
        compopt -o nospace 2>/dev/null
      fi ;;
  esac
}
complete -o default -F _tsvmomi tsvmomi
`;
}

export function zshScript(): string {
  // zsh runs the bash function through bashcompinit: one implementation, both shells.
  return `# tsvmomi zsh completion: eval "$(tsvmomi completion zsh)"
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript().split("\n").slice(1).join("\n")}`;
}
