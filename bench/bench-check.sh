#!/bin/sh
# A regression guard that is not a timed test: the instructions the
# pre-receive gate executes (callgrind) on a fixed repository built by
# fast-import with fixed dates, against the budget in bench/budget.txt.
# Instruction counts do not depend on the machine's load, only on the code
# and the versions of libgit2, zlib and libc it runs with.
. "$(dirname "$0")/lib.sh"
. "$ORCH_HOOKS_SRC/bench/history.sh"

MERGES=2000
BUDGET_FILE="$ORCH_HOOKS_SRC/bench/budget.txt"
command -v valgrind >/dev/null 2>&1 || { echo "bench-check: valgrind is needed (scripts/deps.sh)" >&2; exit 1; }

cd "$BENCH_DIR"
make_history h.git "$MERGES" || exit 1
git init -q --bare g.git &&
echo "$BENCH_DIR/h.git/objects" >g.git/objects/info/alternates &&
git -C g.git update-ref refs/notes/verdicts "$(git -C h.git rev-parse refs/notes/verdicts)" &&
orch-hooks install --server g.git >/dev/null 2>&1 &&
printf '0000000000000000000000000000000000000000 %s refs/heads/main\n' "$(git -C h.git rev-parse main)" >in ||
	exit 1
(cd g.git && GIT_DIR=. valgrind -q --tool=callgrind --callgrind-out-file="$BENCH_DIR/cg.out" \
	./hooks/pre-receive <"$BENCH_DIR/in" >/dev/null 2>"$BENCH_DIR/err") ||
	{ cat err >&2; echo "bench-check: the gate refused the reviewed history" >&2; exit 1; }
grep -q "the verdicts of $MERGES merges checked: accepted" err ||
	{ cat err >&2; echo "bench-check: the gate did not check the history" >&2; exit 1; }
count=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' cg.out)
budget=$(sed -n 's/^pre-receive-walk-2000 *\([0-9]*\).*/\1/p' "$BUDGET_FILE")
[ -n "$count" ] && [ -n "$budget" ] || { echo "bench-check: cannot read the count or the budget" >&2; exit 1; }
pct=$(awk -v c="$count" -v b="$budget" 'BEGIN { printf "%.1f", 100 * c / b }')
if [ "$count" -gt "$budget" ]; then
	echo "bench-check: OVER BUDGET: the pre-receive walk of $MERGES merges took $count instructions, budget $budget ($pct%)"
	echo "  profile it: valgrind --tool=callgrind, then callgrind_annotate; raise bench/budget.txt only for a reason"
	exit 1
fi
echo "bench-check: ok: the pre-receive walk of $MERGES merges took $count instructions, $pct% of the budget $budget"
