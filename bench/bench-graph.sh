#!/bin/sh
# The server gate's walk over history already stored on the server, with
# and without git's commit-graph (as `git commit-graph write --reachable`
# or git's maintenance writes it: generation data included), against the
# batched shell gate and the floor given the same graph. Cases alternate
# run by run, so they share the machine's noise; ratios are within one run.
#
# The history: the synthetic one of bench/history.sh (BENCH_MERGES merges;
# 0 leaves it out), and, when BENCH_GIT_REPO names a clone of git/git (any bare or non-bare
# clone; it is only read), git's real history too:
#   BENCH_GIT_REPO=/path/to/git.git make bench-graph
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

# measure NAME: the four cases on NAME.git; the medians into NAME.* variables.
measure() {
	: >"$1-plain"; : >"$1-graph"; : >"$1-batched"; : >"$1-floor"
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
	plain=$(median "$1-plain"); graph=$(median "$1-graph")
	batched=$(median "$1-batched"); floor=$(median "$1-floor")
	echo "-- $2 ($RUNS runs, medians) --"
	baseline "orch-hooks pre-receive, no commit-graph (baseline)" "$plain"
	report "orch-hooks pre-receive, commit-graph" "$graph" "$plain" 0.33 || status=1
	baseline "batched shell gate, commit-graph" "$batched"
	report "orch-hooks pre-receive, commit-graph, vs batched" "$graph" "$batched" 0.5 || status=1
	baseline "rev-list --count --merges + notes list, commit-graph (floor)" "$floor"
	report "orch-hooks pre-receive, commit-graph, vs the floor" "$graph" "$floor" ""
}

SYN=
if [ "$MERGES" -gt 0 ]; then
	SYN=syn
	echo "building the synthetic history ($MERGES merges)" >&2
	make_history h.git "$MERGES" || die "cannot build the history"
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
[ -z "$SYN" ] || measure syn
[ -z "$BENCH_GIT_REPO" ] || measure real

echo "orch-hooks and git's commit-graph ($(date -u +%Y-%m-%d), $(nproc) cores, git $(git --version | cut -d' ' -f3))"
[ -z "$SYN" ] || report_case syn "stored history: $MERGES merges, $((MERGES * 6 + 1)) commits, pushed to a new protected branch"
[ -z "$BENCH_GIT_REPO" ] ||
	report_case real "stored history: git/git master, $(git -C real.git rev-list --count "$(cut -d" " -f2 real.git.in)") commits"
exit $status
