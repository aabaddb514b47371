// skiffctl completion bash|zsh: prints a completion script to source. The script asks `skiffctl __complete` for
// candidates (see cli/completion.ts), so verbs, flags, resource types and object names stay in step with the
// installed skiffctl and the cluster it talks to.
//
//   source <(skiffctl completion bash)          # bash, current shell
//   skiffctl completion zsh > "${fpath[1]}/_skiffctl"   # zsh, permanently
import type { Command } from 'commander';
import type { Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { usageError } from '../errors.ts';

export const bashScript = `# bash completion for skiffctl                               -*- shell-script -*-
# Load with: source <(skiffctl completion bash)
_skiffctl_complete() {
    local cur="\${COMP_WORDS[COMP_CWORD]}"
    local IFS=$'\\n'
    local candidates
    candidates=$(skiffctl __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    COMPREPLY=( $(compgen -W "\${candidates}" -- "\${cur}") )
    # A value that ends in '=' (jsonpath=, custom-columns=) is completed further, without a trailing space.
    if [[ \${#COMPREPLY[@]} -eq 1 && "\${COMPREPLY[0]}" == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
}
complete -o default -F _skiffctl_complete skiffctl
`;

export const zshScript = `#compdef skiffctl
# zsh completion for skiffctl
# Load with: source <(skiffctl completion zsh), or save as _skiffctl in a directory on $fpath.
_skiffctl() {
    local -a candidates
    candidates=("\${(@f)$(skiffctl __complete "\${(@)words[2,$CURRENT]}" 2>/dev/null)}")
    candidates=("\${(@)candidates:#}")
    compadd -Q -- "\${(@)candidates}"
}
if [[ "\${funcstack[1]}" = "_skiffctl" ]]; then
    _skiffctl "$@"
else
    compdef _skiffctl skiffctl
fi
`;

export function register(parent: Command, run: Runner): void {
  completes(parent.command('completion')
    .description('Output shell completion code for the specified shell (bash or zsh)')
    .argument('<shell>', 'bash or zsh')
    .action(run((session, _opts, [shell]) => {
      if (shell === 'bash') session.out(bashScript);
      else if (shell === 'zsh') session.out(zshScript);
      else throw usageError(`Unsupported shell type "${shell}".`);
    })), 'shells');
}
