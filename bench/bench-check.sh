#!/bin/sh
# The budgets of the server gate, guarded without timing anything: the
# instructions executed (valgrind --tool=callgrind), which do not depend on
# the machine's load, compared as ratios to git's own commands on the same
# repositories (built by fast-import with fixed dates), and peak memory.
# Fails on a ratio over its budget in bench/budget.txt. Not part of make check.
#
#  walk:    a whole history (BENCH_MERGES reviewed merges, default 20,000)
#           pushed at once, against the floor `git rev-list --count --merges
#           NEW --not --all` + `git notes list`; peak memory against git rev-list's.
#  typical: one reviewed merge pushed into that history and into one of
#           BENCH_SMALL_MERGES (default 1,000), both with BENCH_BRANCHES branches
#           (default 250): the growth with the number of notes.
#  graph:   the same walk once git's default commit-graph is written (as
#           `git commit-graph write --reachable` or git's maintenance writes
#           it), against the walk without it and against the batched shell
#           gate (bench/shell-gate-batched.sh, every child process counted)
#           with the same graph.
#  real:    with BENCH_REAL_REPO set (a bare git/git, say: the search tool's
#           fetch of github:git/git gives /work/.mirror/git+git/repo), the walk
#           of its default branch's whole history, with a PASS note on every
#           merged tip, against the same floor, and its graph case. Never in
#           CI: it needs that copy.
. "$(dirname "$0")/lib.sh"
. "$ORCH_HOOKS_SRC/bench/history.sh"

BIG=${BENCH_MERGES:-20000}
SMALL=${BENCH_SMALL_MERGES:-1000}
BRANCHES=${BENCH_BRANCHES:-250}
BUDGET_FILE="$ORCH_HOOKS_SRC/bench/budget.txt"
status=0
command -v valgrind >/dev/null 2>&1 || { echo "bench-check: valgrind is needed (scripts/deps.sh)" >&2; exit 1; }
cd "$BENCH_DIR"
die() { echo "bench-check: $*" >&2; exit 1; }
budget() { sed -n "s/^$1 *\([0-9.]*\).*/\1/p" "$BUDGET_FILE"; }

# instructions DIR INPUT CMD...: the instructions CMD executes in DIR (GIT_DIR=.) with INPUT on stdin.
instructions() {
	dir=$1 input=$2
	shift 2
	(cd "$dir" && GIT_DIR=. valgrind -q --tool=callgrind --callgrind-out-file="$BENCH_DIR/cg.out" \
		"$@" <"$input" >/dev/null 2>"$BENCH_DIR/err") || { cat "$BENCH_DIR/err" >&2; die "'$*' failed in $dir"; }
	sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$BENCH_DIR/cg.out"
}

# instructions_all DIR INPUT CMD...: the instructions CMD and every process it
# starts execute. A forked shell carries its parent's counts until it execs:
# one file per command line, the lowest process id's (as bench-check-hooks.sh).
instructions_all() {
	dir=$1 input=$2
	shift 2
	rm -f "$BENCH_DIR"/cga.out.*
	(cd "$dir" && GIT_DIR=. valgrind -q --tool=callgrind --trace-children=yes --dump-before=execve \
		--callgrind-out-file="$BENCH_DIR/cga.out.%p" "$@" <"$input" >/dev/null 2>"$BENCH_DIR/err") ||
		{ cat "$BENCH_DIR/err" >&2; die "'$*' failed in $dir"; }
	for f in "$BENCH_DIR"/cga.out.*; do
		pid=${f#"$BENCH_DIR"/cga.out.}
		printf '%s\t%s\t%s\n' "${pid%%.*}" "$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f")" \
			"$(sed -n 's/^cmd: *//p' "$f")"
	done | sort -n | awk -F '\t' '{ if (seen[$3]++) next; s += $2 } END { print s }'
}

peak_kb() {
	dir=$1 input=$2
	shift 2
	(cd "$dir" && GIT_DIR=. /usr/bin/time -f %M -o "$BENCH_DIR/mem" "$@" <"$input" >/dev/null 2>&1) ||
		die "'$*' failed in $dir"
	cat "$BENCH_DIR/mem"
}

# check NAME VALUE BASE BUDGET UNIT: one line; status 1 when VALUE / BASE is over BUDGET.
check() {
	r=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", a / b }')
	if [ "$4" = - ]; then v=baseline
	elif awk -v r="$r" -v t="$4" 'BEGIN { exit !(r > t) }'; then v="OVER BUDGET"; status=1
	else v=ok; fi
	printf '%-62s %14s %s %6sx (budget <= %sx) %s\n' "$1" "$2" "$5" "$r" "$4" "$v"
}

# walk_case NAME DIR TIP: the gate's whole-history walk in DIR (no branch yet) against the floor.
walk_case() {
	printf '%s %s refs/heads/main\n' "$ZERO" "$3" >"$2.in"
	floor=$(( $(instructions "$2" /dev/null git rev-list --count --merges "$3" --not --all) +
		  $(instructions "$2" /dev/null git notes --ref=refs/notes/verdicts list) ))
	orch=$(instructions "$2" "$BENCH_DIR/$2.in" ./hooks/pre-receive)
	grep -q "adopted: the .* commits of its history" err || { cat err >&2; die "the gate did not walk $1"; }
	check "$1: rev-list --count --merges + notes list (floor)" "$floor" "$floor" - instr
	check "$1: orch-hooks pre-receive" "$orch" "$floor" "$(budget walk-vs-floor)" instr
	rl_kb=$(peak_kb "$2" /dev/null git rev-list --count --merges "$3" --not --all)
	orch_kb=$(peak_kb "$2" "$BENCH_DIR/$2.in" ./hooks/pre-receive)
	check "$1: peak memory, git rev-list --count --merges" "$rl_kb" "$rl_kb" - KB
	check "$1: peak memory, orch-hooks pre-receive" "$orch_kb" "$rl_kb" "$(budget walk-memory)" KB
}

# graph_case NAME DIR TIP: after walk_case on DIR (its $orch is the walk
# without a graph), git's commit-graph written while a branch has TIP, then
# the branch deleted (so the shell gate's `rev-list --not --all` walks it
# too): the gate's walk against its walk without the graph and against the
# batched shell gate with the same graph.
graph_case() {
	git -C "$2" update-ref refs/heads/stored "$3" && git -C "$2" commit-graph write --reachable &&
		git -C "$2" update-ref -d refs/heads/stored || die "cannot write the commit-graph in $2"
	graph=$(instructions "$2" "$BENCH_DIR/$2.in" ./hooks/pre-receive)
	batched=$(instructions_all "$2" "$BENCH_DIR/$2.in" sh "$ORCH_HOOKS_SRC/bench/shell-gate-batched.sh")
	check "$1: orch-hooks pre-receive, no commit-graph" "$orch" "$orch" - instr
	check "$1: orch-hooks pre-receive, commit-graph" "$graph" "$orch" "$(budget graph-vs-plain)" instr
	check "$1: batched shell gate, commit-graph" "$batched" "$batched" - instr
	check "$1: orch-hooks, commit-graph, vs batched" "$graph" "$batched" "$(budget graph-vs-batched)" instr
}

# gate_repo HISTORY DIR: HISTORY's objects (alternates) and verdicts, no branch, the gate installed.
gate_repo() {
	git init -q --bare "$2" &&
	echo "$BENCH_DIR/$1/objects" >"$2/objects/info/alternates" &&
	git -C "$2" update-ref refs/notes/verdicts "$(git -C "$1" rev-parse refs/notes/verdicts)" &&
	orch-hooks install --server "$2" >/dev/null 2>&1
}

echo "building the repositories with git fast-import ($BIG and $SMALL merges)" >&2
make_history h-big.git "$BIG" && make_history h-small.git "$SMALL" || die "cannot build the histories"
gate_repo h-big.git g-big.git || die "cannot make g-big.git"

echo "orch-hooks bench-check ($(date -u +%Y-%m-%d), git $(git --version | cut -d' ' -f3), instructions by callgrind)"
echo "-- whole history: $BIG merges, $((BIG * 6 + 1)) commits --"
walk_case "synthetic $BIG merges" g-big.git "$(git -C h-big.git rev-parse main)"
graph_case "synthetic $BIG merges" g-big.git "$(git -C h-big.git rev-parse main)"

echo "-- a typical push: one reviewed merge of 5 commits, $BRANCHES branches in both --"
for size in big small; do
	typical_push "h-$size.git" "$BRANCHES" || die "cannot make the typical push into h-$size.git"
	eval "t_$size=\$(instructions h-$size.git \"\$BENCH_DIR/h-$size.git.in\" ./hooks/pre-receive)"
	grep -q "the verdicts of 1 merge checked: accepted" err || { cat err >&2; die "the typical push was not checked"; }
done
check "$SMALL merges: orch-hooks pre-receive" "$t_small" "$t_small" - instr
check "$BIG merges: orch-hooks pre-receive (growth)" "$t_big" "$t_small" "$(budget typical-growth)" instr

if [ -n "$BENCH_REAL_REPO" ]; then
	real=$BENCH_REAL_REPO
	tip=$(git --git-dir="$real" rev-parse HEAD) || die "no repository $real"
	git init -q --bare g-real.git && echo "$real/objects" >g-real.git/objects/info/alternates &&
	real_notes g-real.git "$tip" && orch-hooks install --server g-real.git >/dev/null 2>&1 ||
		die "cannot make g-real.git"
	echo "-- real history: $(basename "$(dirname "$real")"), $(git -C g-real.git rev-list --count "$tip") commits --"
	walk_case "real history" g-real.git "$tip"
	graph_case "real history" g-real.git "$tip"
fi
exit $status
