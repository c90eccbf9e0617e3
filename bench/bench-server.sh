#!/bin/sh
# The server gate at scale: a whole history pushed at once, and a typical push
# into a big repository, measured in one run against the baselines a user
# would otherwise pick: git rev-list (the floor), a batched shell gate and a
# naive one. Runs alternate with their baselines to share the noise. Each
# line gives the median CPU time (user + system, children included), to
# which the target applies, and the median wall-clock time.
#
# With BENCH_REAL_REPO set (a bare git/git: the search tool's fetch of
# github:git/git gives /work/.mirror/git+git/repo), the whole-history walk
# of its HEAD, with a PASS note on every merged tip, against the same floor.
. "$(dirname "$0")/lib.sh"
. "$ORCH_HOOKS_SRC/bench/history.sh"

BIG=${BENCH_MERGES:-20000}
SMALL=${BENCH_SMALL_MERGES:-1000}
BRANCHES=${BENCH_BRANCHES:-250}
NAIVE=${BENCH_NAIVE_MERGES:-1000}
RUNS=${BENCH_SERVER_RUNS:-7}
PUSH_RUNS=${BENCH_PUSH_RUNS:-3}
BATCHED="$ORCH_HOOKS_SRC/bench/shell-gate-batched.sh"
NAIVE_GATE="$ORCH_HOOKS_SRC/bench/shell-gate-naive.sh"
status=0

cd "$BENCH_DIR"

# gate_repo HISTORY DIR: a bare repository holding HISTORY's objects and its
# verdicts but no branch, with the server gate installed: feeding its
# pre-receive "<zero> <main> refs/heads/main" times the gate's own walk.
gate_repo() {
	borrowed_repo "$2" "$BENCH_DIR/$1/objects" "$(git -C "$1" rev-parse main)" \
		"$(git -C "$1" rev-parse refs/notes/verdicts)"
}

# peak_kb DIR INPUT CMD...: the peak resident memory of CMD, in KB.
peak_kb() {
	dir=$1 input=$2
	case $input in /*) ;; *) input=$BENCH_DIR/$input ;; esac
	shift 2
	(cd "$dir" && GIT_DIR=. /usr/bin/time -f %M -o "$BENCH_DIR/mem" "$@" <"$input" >/dev/null 2>&1) ||
		die "'$*' failed in $dir"
	cat "$BENCH_DIR/mem"
}

# report_mem NAME KB BASE_KB TARGET
report_mem() {
	r=$(ratio "$2" "$3")
	verdict=ok
	if [ -n "$4" ] && awk -v r="$r" -v t="$4" 'BEGIN { exit !(r > t) }'; then
		verdict="OVER TARGET"
	fi
	printf '%-58s %9s MB  %6sx  (target <= %sx) %s\n' "$1" "$(awk -v k="$2" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$r" "${4:--}" "$verdict"
	[ "$verdict" = ok ]
}

echo "building the repositories with git fast-import ($BIG, $SMALL and $NAIVE merges)" >&2
make_history h-big.git "$BIG" && make_history h-small.git "$SMALL" && make_history h-naive.git "$NAIVE" ||
	die "cannot build the histories"
gate_repo h-big.git g-big.git || die "cannot make the gate repository g-big.git"
gate_repo h-naive.git g-naive.git || die "cannot make the gate repository g-naive.git"
main_big=$(git -C h-big.git rev-parse main)
main_naive=$(git -C h-naive.git rev-parse main)

load_before=$(load)

# ---- 3a. the gate's own walk over a whole history ----
# The floor: what any gate must do, list the new merges and the notes.
write_floor
: >w-floor; : >w-batched; : >w-orch
i=0
while [ $i -lt "$RUNS" ]; do
	timed w-floor g-big.git g-big.git.in sh "$BENCH_DIR/floor.sh"
	timed w-batched g-big.git g-big.git.in sh "$BATCHED"
	timed w-orch g-big.git g-big.git.in ./hooks/pre-receive
	i=$((i + 1))
done
# The naive gate, measured (not scaled) at its own size, beside the gate at that size.
: >w-naive; : >w-naive-orch
timed w-naive g-naive.git g-naive.git.in sh "$NAIVE_GATE"
i=0
while [ $i -lt "$RUNS" ]; do
	timed w-naive-orch g-naive.git g-naive.git.in ./hooks/pre-receive
	i=$((i + 1))
done
orch_kb=$(peak_kb g-big.git g-big.git.in ./hooks/pre-receive)
revlist_kb=$(peak_kb g-big.git /dev/null git rev-list --count --merges "$main_big" --not --all)

# ---- 3b. the whole push: git push with the gate vs without a hook ----
: >p-none; : >p-orch
i=0
while [ $i -lt "$PUSH_RUNS" ]; do
	for kind in none orch; do
		rm -rf srv.git && git init -q --bare srv.git || die "cannot make srv.git"
		[ $kind = orch ] && { orch-hooks install --server srv.git >/dev/null 2>&1 || die "cannot install"; }
		timed p-$kind h-big.git /dev/null git push -q --atomic "file://$BENCH_DIR/srv.git" \
			main refs/notes/verdicts
		[ $kind = none ] || grep -q "adopted: the $((BIG * 6 + 1)) commits of its history" err ||
			die "the gate did not walk the pushed history"
	done
	i=$((i + 1))
done
rm -rf srv.git

# ---- 4. a typical push into a big repository ----
# Both repositories get the same number of branches: what grows is history and notes.
typical_push h-big.git "$BRANCHES" || die "cannot make the typical push on h-big.git"
typical_push h-small.git "$BRANCHES" || die "cannot make the typical push on h-small.git"
for size in big small; do
	: >"t-$size-batched"; : >"t-$size-orch"; : >"t-$size-revlist"
done
cat >revlist.sh <<'SH'
while read -r old new ref; do
	[ "$ref" = refs/heads/main ] && git rev-list --count "$new" --not --all >/dev/null
done
exit 0
SH
i=0
while [ $i -lt "$BENCH_RUNS" ]; do
	for size in big small; do
		timed "t-$size-revlist" "h-$size.git" "h-$size.git.in" sh "$BENCH_DIR/revlist.sh"
		timed "t-$size-batched" "h-$size.git" "h-$size.git.in" sh "$BATCHED"
		timed "t-$size-orch" "h-$size.git" "h-$size.git.in" ./hooks/pre-receive
	done
	i=$((i + 1))
done
load_after=$(load)

# ---- 5. git/git's real history, when BENCH_REAL_REPO names a copy ----
if [ -n "$BENCH_REAL_REPO" ]; then
	real_tip=$(git --git-dir="$BENCH_REAL_REPO" rev-parse HEAD) || die "no repository $BENCH_REAL_REPO"
	git init -q --bare g-real.git && echo "$BENCH_REAL_REPO/objects" >g-real.git/objects/info/alternates &&
	real_notes g-real.git "$real_tip" && orch-hooks install --server g-real.git >/dev/null 2>&1 ||
		die "cannot make g-real.git"
	printf '%s %s refs/heads/main\n' "$ZERO" "$real_tip" >g-real.git.in
	real_commits=$(git -C g-real.git rev-list --count "$real_tip")
	: >r-floor; : >r-orch
	i=0
	while [ $i -lt "$RUNS" ]; do
		timed r-floor g-real.git g-real.git.in sh "$BENCH_DIR/floor.sh"
		timed r-orch g-real.git g-real.git.in ./hooks/pre-receive
		grep -q "adopted: the $real_commits commits" err || { cat err >&2; die "the gate did not walk g-real.git"; }
		i=$((i + 1))
	done
	real_orch_kb=$(peak_kb g-real.git g-real.git.in ./hooks/pre-receive)
	real_revlist_kb=$(peak_kb g-real.git /dev/null git rev-list --count --merges "$real_tip" --not --all)
	load_after=$(load)
fi
# With equal refs, a typical push may cost at most 1.3 times as much in the big repository.
growth_target=1.3

echo "orch-hooks server gate ($(date -u '+%Y-%m-%d %H:%M'), $(nproc) cores, git $(git --version | cut -d' ' -f3), medians)"
echo "load average (1, 5, 15 min): $load_before before, $load_after after; cpu = user + system, children included"
echo "-- whole history: $BIG merges, $((BIG * 6 + 1)) commits, the pre-receive run directly ($RUNS runs) --"
report_cpu "rev-list --count --merges + notes list (floor)" w-floor w-floor ""
report_cpu "batched shell gate (rev-list, ls-tree, cat-file --batch)" w-batched w-floor ""
report_cpu "orch-hooks pre-receive" w-orch w-floor 1.05 || status=1
echo "-- whole history: $NAIVE merges, the naive gate measured at that size (1 run; orch-hooks $RUNS) --"
report_cpu "naive shell gate (git notes show per merge)" w-naive w-naive ""
report_cpu "orch-hooks pre-receive" w-naive-orch w-naive ""
speedup=$(ratio "$(median w-naive.cpu)" "$(median w-naive-orch.cpu)")
if awk -v s="$speedup" 'BEGIN { exit !(s >= 100) }'; then verdict=ok; else verdict="OVER TARGET"; status=1; fi
printf '%-58s %9s x less CPU   (target >= 100x) %s\n' "orch-hooks pre-receive vs the naive gate" "$speedup" "$verdict"
report_mem "peak memory: git rev-list --merges (baseline)" "$revlist_kb" "$revlist_kb" ""
report_mem "peak memory: orch-hooks pre-receive" "$orch_kb" "$revlist_kb" 1 || status=1
echo "-- whole history: git push of main + notes into a new bare repository ($PUSH_RUNS runs) --"
report_cpu "git push, no hook (baseline)" p-none p-none ""
report_cpu "git push, orch-hooks gate" p-orch p-none ""
echo "-- a typical push (one reviewed merge of 5 commits) ($BENCH_RUNS runs) --"
report_cpu "$BIG merges, $BRANCHES branches: batched shell gate" t-big-batched t-big-batched ""
report_cpu "$BIG merges, $BRANCHES branches: orch-hooks pre-receive" t-big-orch t-big-batched 1.5 || status=1
report_cpu "$SMALL merges, $BRANCHES branches: batched shell gate" t-small-batched t-small-batched ""
report_cpu "$SMALL merges, $BRANCHES branches: orch-hooks pre-receive" t-small-orch t-small-batched 1.5 || status=1
report_cpu "rev-list NEW --not --all: $BIG vs $SMALL merges" t-big-revlist t-small-revlist ""
report_cpu "orch-hooks: $BIG vs $SMALL merges (growth)" t-big-orch t-small-orch "$growth_target" || status=1
if [ -n "$BENCH_REAL_REPO" ]; then
	echo "-- real history: $BENCH_REAL_REPO HEAD ${real_tip%"${real_tip#????????}"}, $real_commits commits ($RUNS runs) --"
	report_cpu "rev-list --count --merges + notes list (floor)" r-floor r-floor ""
	report_cpu "orch-hooks pre-receive" r-orch r-floor 1.05 || status=1
	report_mem "peak memory: git rev-list --merges (baseline)" "$real_revlist_kb" "$real_revlist_kb" ""
	report_mem "peak memory: orch-hooks pre-receive" "$real_orch_kb" "$real_revlist_kb" 1 || status=1
fi
exit $status
