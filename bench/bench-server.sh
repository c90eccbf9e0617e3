#!/bin/sh
# The server gate at scale: a whole history pushed at once, and a typical push
# into a big repository, measured in one run against the baselines a user
# would otherwise pick: git rev-list (the floor), a batched shell gate and a
# naive one. Runs alternate with their baselines to share the noise.
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
w_floor=$(median w-floor); w_batched=$(median w-batched); w_orch=$(median w-orch)
# The naive gate, measured (not scaled) at its own size, beside the gate at that size.
: >w-naive; : >w-naive-orch
timed w-naive g-naive.git g-naive.git.in sh "$NAIVE_GATE"
i=0
while [ $i -lt "$RUNS" ]; do
	timed w-naive-orch g-naive.git g-naive.git.in ./hooks/pre-receive
	i=$((i + 1))
done
w_naive=$(median w-naive); w_naive_orch=$(median w-naive-orch)
orch_kb=$(peak_kb g-big.git g-big.git.in ./hooks/pre-receive)
revlist_kb=$(peak_kb g-big.git /dev/null git rev-list --count --merges "$main_big" --not --all)

# ---- 3b. the whole push: git push with the gate vs without a hook ----
: >p-none; : >p-orch
i=0
while [ $i -lt "$PUSH_RUNS" ]; do
	for kind in none orch; do
		rm -rf srv.git && git init -q --bare srv.git || die "cannot make srv.git"
		[ $kind = orch ] && { orch-hooks install --server srv.git >/dev/null 2>&1 || die "cannot install"; }
		t0=$(now_ns)
		git -C h-big.git push -q --atomic "file://$BENCH_DIR/srv.git" main refs/notes/verdicts \
			2>err || { cat err >&2; die "the $kind push failed"; }
		t1=$(now_ns)
		[ $kind = none ] || grep -q "adopted: the $((BIG * 6 + 1)) commits of its history" err ||
			die "the gate did not walk the pushed history"
		echo $((t1 - t0)) >>p-$kind
	done
	i=$((i + 1))
done
rm -rf srv.git
p_none=$(median p-none); p_orch=$(median p-orch)

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
for size in big small; do
	eval "t_${size}_revlist=\$(median t-$size-revlist)"
	eval "t_${size}_batched=\$(median t-$size-batched)"
	eval "t_${size}_orch=\$(median t-$size-orch)"
done
# With equal refs, a typical push may cost at most 1.3 times as much in the big repository.
growth_target=1.3

echo "orch-hooks server gate ($(date -u +%Y-%m-%d), $(nproc) cores, git $(git --version | cut -d' ' -f3), medians)"
echo "-- whole history: $BIG merges, $((BIG * 6 + 1)) commits, the pre-receive run directly ($RUNS runs) --"
baseline "rev-list --count --merges + notes list (floor)" "$w_floor"
report "batched shell gate (rev-list, ls-tree, cat-file --batch)" "$w_batched" "$w_floor" ""
report "orch-hooks pre-receive" "$w_orch" "$w_floor" 1.05 || status=1
echo "-- whole history: $NAIVE merges, the naive gate measured at that size --"
baseline "naive shell gate (git notes show per merge)" "$w_naive"
report "orch-hooks pre-receive" "$w_naive_orch" "$w_naive" ""
speedup=$(ratio "$w_naive" "$w_naive_orch")
if awk -v s="$speedup" 'BEGIN { exit !(s >= 100) }'; then verdict=ok; else verdict="OVER TARGET"; status=1; fi
printf '%-58s %9s x faster     (target >= 100x) %s\n' "orch-hooks pre-receive vs the naive gate" "$speedup" "$verdict"
report_mem "peak memory: git rev-list --merges (baseline)" "$revlist_kb" "$revlist_kb" ""
report_mem "peak memory: orch-hooks pre-receive" "$orch_kb" "$revlist_kb" 1 || status=1
echo "-- whole history: git push of main + notes into a new bare repository ($PUSH_RUNS runs) --"
baseline "git push, no hook (baseline)" "$p_none"
report "git push, orch-hooks gate" "$p_orch" "$p_none" ""
echo "-- a typical push (one reviewed merge of 5 commits) ($BENCH_RUNS runs) --"
baseline "$BIG merges, $BRANCHES branches: batched shell gate" "$t_big_batched"
report "$BIG merges, $BRANCHES branches: orch-hooks pre-receive" "$t_big_orch" "$t_big_batched" 1.5 || status=1
baseline "$SMALL merges, $BRANCHES branches: batched shell gate" "$t_small_batched"
report "$SMALL merges, $BRANCHES branches: orch-hooks pre-receive" "$t_small_orch" "$t_small_batched" 1.5 || status=1
report "rev-list NEW --not --all: $BIG vs $SMALL merges" "$t_big_revlist" "$t_small_revlist" ""
report "orch-hooks: $BIG vs $SMALL merges (growth)" "$t_big_orch" "$t_small_orch" "$growth_target" || status=1
exit $status
