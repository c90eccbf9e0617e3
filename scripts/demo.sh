#!/bin/sh
# The orch-hooks demo: three workers' branches come home through the four gates.
#
# A small program with a money module; three worker branches in linked
# worktrees (money/parse, money/store, money/report). The reviewer fails
# parse (it computes cents in floating point); store and report each pass
# review and their tests alone, but disagree about a shared helper, so the
# tests break once both are merged. Then main goes to a shared bare
# repository behind the server gate, which wants the verdicts pushed along.
#
#   sh demo.sh [--verbose]   (--verbose: every command's whole output)
#
# After `make install`, `make demo` runs the installed programs; before it,
# the build tree's.
set -eu
verbose=
case ${1:-} in
--verbose | -v) verbose=1 ;;
"") ;;
*) echo "usage: demo.sh [--verbose]" >&2; exit 129 ;;
esac
# make demo names the installed program and the version it must be.
installed_version() { "$ORCH_HOOKS_INSTALLED/orch-hooks" --version 2>/dev/null | sed -n '1s/^orch-hooks //p'; }
if [ -n "${ORCH_HOOKS_INSTALLED:-}" ] && [ -x "$ORCH_HOOKS_INSTALLED/orch-hooks" ] &&
	{ [ -z "${ORCH_HOOKS_VERSION:-}" ] || [ "$(installed_version)" = "$ORCH_HOOKS_VERSION" ]; }; then
	# The installed programs find their hooks and policy on their own.
	export PATH="$ORCH_HOOKS_INSTALLED:$PATH"
	unset ORCH_HOOKS_LIBEXECDIR ORCH_HOOKS_SYSCONFDIR
	reviewers=${ORCH_HOOKS_REVIEWERS:-$ORCH_HOOKS_INSTALLED/../share/orch-hooks/reviewers}
	using="the installed orch-hooks in $ORCH_HOOKS_INSTALLED"
else
	: "${ORCH_HOOKS_BUILD:?run it with make demo}"
	: "${ORCH_HOOKS_SRC:=$ORCH_HOOKS_BUILD}"
	export PATH="$ORCH_HOOKS_BUILD/src:$PATH"
	export ORCH_HOOKS_LIBEXECDIR="${ORCH_HOOKS_LIBEXECDIR:-$ORCH_HOOKS_BUILD/hooks}"
	export ORCH_HOOKS_SYSCONFDIR="${ORCH_HOOKS_SYSCONFDIR:-$ORCH_HOOKS_SRC/etc}"
	reviewers=$ORCH_HOOKS_SRC/etc/reviewers
	using="the build tree's orch-hooks in $ORCH_HOOKS_BUILD"
fi
export GIT_AUTHOR_NAME="Demo Worker" GIT_AUTHOR_EMAIL=worker@example.com
export GIT_COMMITTER_NAME="Demo Worker" GIT_COMMITTER_EMAIL=worker@example.com
export GIT_EDITOR=true GIT_MERGE_AUTOEDIT=no GIT_CONFIG_NOSYSTEM=1
reviewer="$reviewers/diff-lint.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/orch-hooks-demo.XXXXXX")
log=$dir/last-command.log
if [ -t 1 ]; then bold=$(printf '\033[1m'); off=$(printf '\033[0m'); else bold=; off=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
# run WANT PATTERN CMD...: show CMD, run it, and show the lines of its output
# that match PATTERN (all of them with --verbose); WANT is ok or fail.
run() {
	want=$1 pattern=$2; shift 2
	printf '$ %s\n' "$*"
	if "$@" >"$log" 2>&1; then got=ok; else got=fail; fi
	if [ -n "$verbose" ]; then cat "$log"; else grep -E -- "$pattern" "$log" || true; fi
	if [ "$got" != "$want" ]; then
		[ -n "$verbose" ] || cat "$log"
		echo "demo: '$*' should have $( [ "$want" = ok ] && echo succeeded || echo been refused)" >&2
		exit 1
	fi
}
show() { run ok "$@"; }
expect_fail() { run fail "$@"; }
echo "demo: $using"

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
# The team's shared repository already holds the project's history from before the gate.
git init -q --bare ../shared.git && git push -q ../shared.git main

step "install the gates; the policy names the reviewer and the tests"
show 'wrote the default policy' orch-hooks install
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

step "three workers, three worktrees, three branches"
for b in parse store report; do
	git worktree add -q -b money/$b ../wt-$b
done
echo "(money/parse, money/store, money/report: one commit each)"
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

step "gate 1, review: the read-only reviewer looks at all three branches at once"
expect_fail '^(BRANCH|money/)|recorded' orch-hooks review -j 3 money/parse money/store money/report

step "gate 2, the merge gate: a plain git merge of the failed branch is refused"
expect_fail 'refused|at commit' git merge --no-ff money/parse
show '^$' git merge --abort

step "gate 3, the test gate: land the two that passed, testing after each"
expect_fail 'landed as|BROKE|UNDONE: |^(BRANCH|money/)' orch-hooks land money/store money/report

step "gate 4, the server gate: main goes to a shared bare repository"
show 'installed .*pre-receive' orch-hooks install --server ../shared.git
expect_fail '(refused|no verdict|rejected)' git push ../shared.git main
show '(main -> main|verdicts)' git push --atomic ../shared.git main refs/notes/verdicts

printf '\ndemo: done. The repository is at %s/budget (worktrees beside it).\n' "$dir"
printf 'demo: money/store landed; money/report broke the tests together with it and was undone;\n'
printf 'demo: money/parse never got past review; the server took main only with its verdicts.\n'
printf 'demo: look around: orch-hooks status, orch-hooks log; sh demo.sh --verbose shows everything.\n'
