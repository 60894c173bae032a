// `completion bash|zsh|fish`: scripts that hand every completion request to `berth __complete`,
// so candidates always follow the command registry (see ../completion.ts).
import { PROG, type Command } from '../command.js';

const bash = `# bash completion for ${PROG}
_${PROG}_complete() {
    local cur=\${COMP_WORDS[COMP_CWORD]} out directive line
    out=$("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    directive=\${out##*:}
    COMPREPLY=()
    while IFS= read -r line; do
        [[ -z $line || $line == :* ]] && continue
        COMPREPLY+=("\${line%%$'\\t'*}")
    done <<< "$out"
    if (( \${#COMPREPLY[@]} == 0 )) && [[ $directive != 4 ]]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}
complete -F _${PROG}_complete ${PROG}
`;

const zsh = `#compdef ${PROG}
# zsh completion for ${PROG}
_${PROG}() {
    local out directive line
    local -a cands
    out=$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)
    for line in "\${(@f)out}"; do
        if [[ $line == :* ]]; then
            directive=\${line#:}
            continue
        fi
        [[ -z $line ]] && continue
        cands+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
    done
    if (( \${#cands} )); then
        _describe -t commands '${PROG}' cands
    elif [[ $directive != 4 ]]; then
        _files
    fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _${PROG} "$@"
else
    compdef _${PROG} ${PROG}
fi
`;

const fish = `# fish completion for ${PROG}
function __${PROG}_complete
    set -l tokens (commandline -opc)
    set -l out ($tokens[1] __complete $tokens[2..-1] (commandline -ct) 2>/dev/null)
    set -l cands (string match -v -r '^:[0-9]+$' -- $out)
    if test (count $cands) -gt 0
        printf '%s\\n' $cands
    else if not contains -- :4 $out
        __fish_complete_path (commandline -ct)
    end
end
complete -c ${PROG} -f -a '(__${PROG}_complete)'
`;

function shellCommand(name: string, script: string): Command {
  return {
    name,
    usage: '',
    short: `Generate the autocompletion script for ${name}`,
    args: { min: 0, max: 0 },
    flags: [],
    async run(cli) {
      cli.out(script);
    },
  };
}

export const commands: Command[] = [shellCommand('bash', bash), shellCommand('fish', fish), shellCommand('zsh', zsh)];
