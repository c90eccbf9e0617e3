#!/bin/sh
# The orch-hooks demo: three workers' branches come home through the gates.
#
# A small program with a money module; three worker branches in linked
# worktrees (money/parse, money/store, money/report). The reviewer fails
# parse (it computes cents in floating point); store and report each pass
# review and their tests alone, but disagree about a shared helper, so the
# tests break once both are merged. Watch the gates catch both.
set -eu
: "${ORCH_HOOKS_BUILD:?run it with make demo}"
: "${ORCH_HOOKS_SRC:=$ORCH_HOOKS_BUILD}"
export PATH="$ORCH_HOOKS_BUILD/src:$PATH"
export ORCH_HOOKS_LIBEXECDIR="${ORCH_HOOKS_LIBEXECDIR:-$ORCH_HOOKS_BUILD/hooks}"
export ORCH_HOOKS_SYSCONFDIR="${ORCH_HOOKS_SYSCONFDIR:-$ORCH_HOOKS_SRC/etc}"
export GIT_AUTHOR_NAME="Demo Worker" GIT_AUTHOR_EMAIL=worker@example.com
export GIT_COMMITTER_NAME="Demo Worker" GIT_COMMITTER_EMAIL=worker@example.com
export GIT_EDITOR=true GIT_MERGE_AUTOEDIT=no GIT_CONFIG_NOSYSTEM=1
reviewer="$ORCH_HOOKS_SRC/etc/reviewers/diff-lint.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/orch-hooks-demo.XXXXXX")
if [ -t 1 ]; then bold=$(printf '\033[1m'); off=$(printf '\033[0m'); else bold=; off=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
show() { printf '$ %s\n' "$*"; "$@"; }
# expect_fail CMD...: the demo's point is that CMD is refused.
expect_fail() {
	printf '$ %s\n' "$*"
	if "$@"; then echo "demo: '$*' should have been refused" >&2; exit 1; fi
}

cd "$dir"
git init -q -b main budget && cd budget

# ---- the program: amounts are integer cents everywhere ----
cat >money.sh <<'SH'
# money.sh: amounts are integer cents.
# cents_to_str CENTS: "1234" -> "12.34"
cents_to_str() {
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}
# parse_amount "12.34" -> 1234
parse_amount() {
	whole=${1%.*}; frac=${1#*.}
	[ "$whole" = "$1" ] && frac=00
	echo $((whole * 100 + ${frac#0}))
}
SH
cat >test.sh <<'SH'
#!/bin/sh
# The test suite: every tests/*.sh must pass.
. ./money.sh
fail=0
for t in tests/*.sh; do
	if ( . "$t" ); then echo "ok   $t"; else echo "FAIL $t"; fail=1; fi
done
exit $fail
SH
mkdir tests
cat >tests/cents.sh <<'SH'
[ "$(cents_to_str 1234)" = "12.34" ] && [ "$(parse_amount 12.34)" = 1234 ]
SH
git add . && git commit -qm "budget: money module with integer cents"

step "install the gates; the policy names the reviewer and the tests"
show orch-hooks install
cat >.git/orch-hooks.ini <<INI
[branches]
protected = main
[review]
command = ORCH_REVIEW_TEST='sh test.sh' sh '$reviewer'
timeout = 2m
allow_manual = false
[test]
command = sh test.sh
timeout = 2m
on_failure = undo
INI
show orch-hooks policy

step "three workers, three worktrees, three branches"
show git worktree add -q -b money/parse ../wt-parse
show git worktree add -q -b money/store ../wt-store
show git worktree add -q -b money/report ../wt-report
(cd ../wt-parse &&
 cat >>money.sh <<'SH'
# parse_amount_fast: quicker, through a float
parse_amount_fast() { echo "$1 * 100" | bc -l | cut -d. -f1; }
SH
 git commit -qam "parse: faster amount parsing")
(cd ../wt-store &&
 sed -i 's/printf .%d.%02d./printf "$%d.%02d"/' money.sh &&
 cat >tests/cents.sh <<'SH' &&
[ "$(cents_to_str 1234)" = '$12.34' ] && [ "$(parse_amount 12.34)" = 1234 ]
SH
 cat >store.sh <<'SH'
store() { echo "$(cents_to_str "$1")" >>ledger.txt; }
SH
 cat >tests/store.sh <<'SH'
. ./store.sh; rm -f ledger.txt; store 250 && [ "$(cat ledger.txt)" = '$2.50' ]; rc=$?; rm -f ledger.txt; [ $rc = 0 ]
SH
 git add . && git commit -qm "store: amounts in the ledger carry the currency sign")
(cd ../wt-report &&
 cat >report.sh <<'SH'
report_line() { echo "$(cents_to_str "$1") USD"; }
SH
 cat >tests/report.sh <<'SH'
. ./report.sh; [ "$(report_line 1999)" = "19.99 USD" ]
SH
 git add . && git commit -qm "report: one line per amount, in USD")
show orch-hooks status

step "the read-only reviewer looks at all three branches in parallel"
expect_fail orch-hooks review -j 3 money/parse money/store money/report

step "a plain git merge of the branch the reviewer failed is refused"
expect_fail git merge --no-ff money/parse
show git merge --abort

step "land the two that passed, one at a time, tests between each"
expect_fail orch-hooks land money/store money/report
show git log --oneline --graph -6
show orch-hooks status

step "what the history says"
show git notes --ref=refs/notes/tests show main
show git worktree list
printf '\ndemo: done. The repository is at %s/budget (worktrees beside it).\n' "$dir"
printf 'demo: money/store landed; money/report broke the tests together with it and was undone;\n'
printf 'demo: money/parse never got past review. Look around: orch-hooks status, orch-hooks log.\n'
