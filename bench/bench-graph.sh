#!/bin/sh
# The server gate's walk over history already stored on the server, with
# and without git's commit-graph (as `git commit-graph write --reachable`
# or git's maintenance writes it: generation data included), against the
# batched shell gate and the floor given the same graph. Cases alternate
# run by run, so they share the machine's noise; ratios are within one run.
# Each line gives the median CPU time (user + system, children included), to
# which the targets apply, and the median wall-clock time.
#
# The history: the synthetic one of bench/history.sh (BENCH_MERGES merges;
# 0 leaves it out), and, when BENCH_GIT_REPO names a clone of git/git (any bare or non-bare
# clone; it is only read), git's real history too:
#   BENCH_GIT_REPO=/path/to/git.git make bench-graph
# BENCH_GRAPH_CALLGRIND=1 counts instructions instead (valgrind
# --tool=callgrind, every child process included, one run per case; the same
# whatever the machine's load) and prints them with the same ratios.
. "$(dirname "$0")/lib.sh"
. "$ORCH_HOOKS_SRC/bench/history.sh"

MERGES=${BENCH_MERGES:-20000}
RUNS=${BENCH_GRAPH_RUNS:-7}
BATCHED="$ORCH_HOOKS_SRC/bench/shell-gate-batched.sh"
status=0

cd "$BENCH_DIR"

# stored_repo NAME OBJECTS TIP [NOTES]: NAME.git, a gated bare repository
# whose history (OBJECTS, by alternates) is stored, with git's default
# commit-graph written while a branch had it; NAME.git.in pushes TIP to main,
# which no protected branch has yet: the gate walks the whole history. No
# ref keeps the history, so `rev-list --not --all` in the shell gate walks
# it too (as for an import).
stored_repo() {
	borrowed_repo "$1.git" "$2" "$3" "$4" &&
	git -C "$1.git" update-ref refs/heads/stored "$3" &&
	git -C "$1.git" commit-graph write --reachable &&
	git -C "$1.git" update-ref -d refs/heads/stored
}

# The shell gate refuses git/git's merges (no verdicts there) after doing all
# its work: its exit status is not what is timed.
printf '%s\n' "sh '$BATCHED' 2>/dev/null; exit 0" >batched.sh

write_floor

# counted OUT DIR INPUT CMD...: like timed, but appends the instructions CMD
# and every process it starts execute (callgrind) to OUT and to OUT.cpu, so
# that report_cpu prints them (as "ms": read millions of instructions).
counted() {
	out=$1 dir=$2 input=$3
	shift 3
	rm -f "$BENCH_DIR"/cg.out.*
	(cd "$dir" && GIT_DIR=. valgrind -q --tool=callgrind --trace-children=yes --dump-before=execve \
		--callgrind-out-file="$BENCH_DIR/cg.out.%p" "$@" <"$BENCH_DIR/$input" >/dev/null 2>"$BENCH_DIR/err") ||
		{ cat "$BENCH_DIR/err" >&2; die "'$*' refused in $dir"; }
	# A forked shell carries its parent's counts until it execs: one file per
	# command line, the lowest process id's (as bench-check-hooks.sh does).
	n=$(for f in "$BENCH_DIR"/cg.out.*; do
		pid=${f#"$BENCH_DIR"/cg.out.}
		printf '%s\t%s\t%s\n' "${pid%%.*}" "$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f")" \
			"$(sed -n 's/^cmd: *//p' "$f")"
	done | sort -n | awk -F '\t' '{ if (seen[$3]++) next; s += $2 } END { print s }')
	echo "$n" >>"$out"
	echo "$n" >>"$out.cpu"
}
if [ -n "$BENCH_GRAPH_CALLGRIND" ]; then
	command -v valgrind >/dev/null 2>&1 || die "valgrind is needed (scripts/deps.sh)"
	RUNS=1
	timed() { counted "$@"; }
fi

# measure NAME: the four cases on NAME.git, samples into NAME-* (and NAME-*.cpu).
measure() {
	for c in plain graph batched floor; do : >"$1-$c"; : >"$1-$c.cpu"; done
	i=0
	while [ $i -lt "$RUNS" ]; do
		git -C "$1.git" config core.commitGraph false
		timed "$1-plain" "$1.git" "$1.git.in" ./hooks/pre-receive
		git -C "$1.git" config core.commitGraph true
		timed "$1-graph" "$1.git" "$1.git.in" ./hooks/pre-receive
		timed "$1-batched" "$1.git" "$1.git.in" sh "$BENCH_DIR/batched.sh"
		timed "$1-floor" "$1.git" "$1.git.in" sh "$BENCH_DIR/floor.sh"
		i=$((i + 1))
	done
}

report_case() {
	echo "-- $2 ($RUNS runs, medians) --"
	report_cpu "orch-hooks pre-receive, no commit-graph (baseline)" "$1-plain" "$1-plain" ""
	report_cpu "orch-hooks pre-receive, commit-graph" "$1-graph" "$1-plain" 0.33 || status=1
	report_cpu "batched shell gate, commit-graph" "$1-batched" "$1-batched" ""
	report_cpu "orch-hooks pre-receive, commit-graph, vs batched" "$1-graph" "$1-batched" 0.5 || status=1
	report_cpu "rev-list --count --merges + notes list, commit-graph (floor)" "$1-floor" "$1-floor" ""
	report_cpu "orch-hooks pre-receive, commit-graph, vs the floor" "$1-graph" "$1-floor" ""
}

SYN=
if [ "$MERGES" -gt 0 ]; then
	SYN=syn
	echo "building the synthetic history ($MERGES merges)" >&2
	t0=$(now_ns)
	make_history h.git "$MERGES" || die "cannot build the history"
	build_s=$(awk -v n=$(($(now_ns) - t0)) 'BEGIN { printf "%.1f", n / 1e9 }')
	stored_repo syn "$BENCH_DIR/h.git/objects" "$(git -C h.git rev-parse main)" \
		"$(git -C h.git rev-parse refs/notes/verdicts)" || die "cannot make syn.git"
fi
if [ -n "$BENCH_GIT_REPO" ]; then
	objects=$(git -C "$BENCH_GIT_REPO" rev-parse --path-format=absolute --git-path objects) &&
	tip=$(git -C "$BENCH_GIT_REPO" rev-parse master) &&
	stored_repo real "$objects" "$tip" || die "cannot make real.git from $BENCH_GIT_REPO"
fi

# The gate must really walk: its adoption message counts every commit.
for name in $SYN ${BENCH_GIT_REPO:+real}; do
	(cd $name.git && GIT_DIR=. ./hooks/pre-receive <"../$name.git.in" >/dev/null 2>../err) &&
		grep -q "adopted: the $(git -C $name.git rev-list --count "$(cut -d" " -f2 $name.git.in)") commits" err ||
		{ cat err >&2; die "the gate did not walk $name.git"; }
done
load_before=$(load)
[ -z "$SYN" ] || measure syn
[ -z "$BENCH_GIT_REPO" ] || measure real

echo "orch-hooks and git's commit-graph ($(date -u '+%Y-%m-%d %H:%M'), $(nproc) cores, git $(git --version | cut -d' ' -f3))"
if [ -n "$BENCH_GRAPH_CALLGRIND" ]; then
	echo "instructions (callgrind, children included): every \"ms\" figure below is millions of instructions"
else
	echo "load average (1, 5, 15 min): $load_before before, $(load) after; cpu = user + system, children included"
fi
[ -z "$SYN" ] || echo "the synthetic history built by fast-import in $build_s s (wall clock)"
[ -z "$SYN" ] || report_case syn "stored history: $MERGES merges, $((MERGES * 6 + 1)) commits, pushed to a new protected branch"
[ -z "$BENCH_GIT_REPO" ] ||
	report_case real "stored history: git/git master, $(git -C real.git rev-list --count "$(cut -d" " -f2 real.git.in)") commits"
exit $status
