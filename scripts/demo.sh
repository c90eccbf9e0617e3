#!/bin/sh
# The orch-hooks demo: a gated merge refused, then accepted, in a scratch repository.
set -eu
: "${ORCH_HOOKS_BUILD:?run it with make demo}"
export PATH="$ORCH_HOOKS_BUILD/src:$PATH"
export ORCH_HOOKS_LIBEXECDIR="${ORCH_HOOKS_LIBEXECDIR:-$ORCH_HOOKS_BUILD/hooks}"
export ORCH_HOOKS_SYSCONFDIR="${ORCH_HOOKS_SYSCONFDIR:-$ORCH_HOOKS_SRC/etc}"
export GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME=Demo GIT_COMMITTER_EMAIL=demo@example.com GIT_EDITOR=true

dir=$(mktemp -d "${TMPDIR:-/tmp}/orch-hooks-demo.XXXXXX")
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

cd "$dir"
git init -q -b main repo && cd repo
echo 'int cents(void) { return 100; }' >money.c && git add money.c && git commit -qm "money module"
step "install the gate"
show orch-hooks install
step "a worker's branch arrives, not yet reviewed"
git checkout -qb worker/parse && echo 'int parse(void) { return 1; }' >parse.c && git add parse.c && git commit -qm "parse amounts"
git checkout -q main
step "a plain git merge of the unreviewed branch is refused"
if show git merge --no-ff -m "merge worker/parse" worker/parse; then echo "demo: the merge should have been refused" >&2; exit 1; fi
show git merge --abort
step "the reviewer passes it (recorded as a git note on the tip)"
show orch-hooks verdict set PASS worker/parse -m "amounts parsed to integer cents; tests pass"
show orch-hooks verdict show worker/parse
step "now the same merge goes through"
show git merge --no-ff -m "merge worker/parse" worker/parse
show git log --oneline --graph
printf '\ndemo: done; the repository is at %s/repo\n' "$dir"
