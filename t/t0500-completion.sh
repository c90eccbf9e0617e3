#!/bin/sh
test_description='bash and zsh completion: commands, options, branch names'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# complete WORDS...: what the completion offers for the last word (may be empty).
cat >complete.bash <<'SH'
. "$ORCH_HOOKS_SRC/completion/bash/orch-hooks"
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
_orch_hooks
printf '%s\n' "${COMPREPLY[@]}"
SH

test_expect_success 'bash is here to test with' '
	command -v bash
'

test_expect_success 'a command name completes' '
	bash complete.bash orch-hooks la >out &&
	test_grep "^land$" out &&
	bash complete.bash orch-hooks "" >out &&
	for c in install policy verdict land status log review sync; do
		test_grep "^$c$" out || return 1
	done
'

test_expect_success 'an option completes from the command help' '
	bash complete.bash orch-hooks log --j >out &&
	test_grep "^--json$" out &&
	bash complete.bash orch-hooks verdict set --m >out &&
	test_grep "^--message$" out
'

test_expect_success 'a branch name completes, in a repository' '
	git init -q -b main r && (cd r && test_commit one &&
	 git branch feature/parse && git branch feature/store && git branch other &&
	 bash ../complete.bash orch-hooks land feature/ >../out &&
	 bash ../complete.bash orch-hooks status --onto m >../onto) &&
	printf "feature/parse\nfeature/store\n" >expect &&
	test_cmp expect out &&
	test_grep "^main$" onto
'

test_expect_success 'verdict completes its subcommand and its verdict word' '
	bash complete.bash orch-hooks verdict s >out &&
	printf "show\nset\n" >expect && test_cmp expect out &&
	bash complete.bash orch-hooks verdict set P >out &&
	test_grep "^PASS$" out
'

test_expect_success 'a branch named like a command substitution is offered, never run' '
	(cd r && git branch "feature/\$(touch\${IFS}pwned)" &&
	 bash ../complete.bash orch-hooks land feature/ >../out) &&
	test ! -e r/pwned && test ! -e pwned &&
	printf "%s\n" "feature/\\\$\\(touch\\\$\\{IFS\\}pwned\\)" >expect &&
	grep -Fx -f expect out
'

# The zsh completion with zsh's completion builtins stood in for: what it
# offers is printed, one candidate a line (zsh itself would then filter them).
cat >complete.zsh <<'SH'
compadd() { if [[ $1 == -a ]]; then print -l -- ${(P)2}; else print -l -- "$@"; fi }
_describe() { print -l -- ${${(P)${@[-1]}}%%:*}; }
_files() { : }
words=("$@"); CURRENT=$#; PREFIX=${words[-1]}
source "$ORCH_HOOKS_SRC/completion/zsh/_orch-hooks"
SH

test_expect_success 'zsh is here to test with' '
	command -v zsh
'

test_expect_success 'zsh: commands, options and branch names complete' '
	zsh -f complete.zsh orch-hooks "" >out &&
	for c in install policy verdict land status log review sync push doctor test; do
		test_grep "^$c$" out || return 1
	done &&
	zsh -f complete.zsh orch-hooks log --j >out &&
	test_grep "^--json$" out &&
	(cd r && zsh -f ../complete.zsh orch-hooks land feature/ >../out) &&
	test_grep "^feature/parse$" out && test_grep "^feature/store$" out &&
	zsh -f complete.zsh orch-hooks verdict set P >out &&
	test_grep "^PASS$" out
'

test_expect_success 'zsh: a branch named like a command substitution is offered, never run' '
	(cd r && zsh -f ../complete.zsh orch-hooks land feature/ >../out) &&
	test ! -e r/pwned && test ! -e pwned &&
	grep -F "feature/\$(touch" out
'

test_done
