#compdef restore-agent
# zsh completion for restore-agent: the bash completion picocli generates at build time (installed
# by the same package), run through zsh's bashcompinit. Sourcing it binds the command to that
# function for later completions; this first one calls it directly.
autoload -U +X bashcompinit && bashcompinit
source /usr/share/bash-completion/completions/restore-agent
_bash_complete -o default -F _complete_restore-agent
