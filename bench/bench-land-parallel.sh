#!/bin/sh
# land -j N against sequential land: six good branches whose test takes a
# fixed 2 s (ratio of medians, runs alternated so both see the same noise),
# and the number of test runs with one breaker at each place in the queue
# among six (at most branches + N, with --keep-going testing the rest
# again on the new tip).
. "$(dirname "$0")/lib.sh"

RUNS=${BENCH_LAND_RUNS:-3}
JOBS=3
TEST_SECONDS=${BENCH_LAND_TEST_SECONDS:-2}
cd "$BENCH_DIR" || exit 1

# repo DIR: six reviewed branches, one breaker; tests log each run and sleep.
repo() {
	git init -q "$1" && (
		cd "$1" && echo base >base.txt && git add base.txt && git commit -q -m base &&
		orch-hooks install >/dev/null 2>&1 &&
		printf '[branches]\nprotected = main\n[test]\ncommand = echo run >>"%s/runs"; sleep %s; ! test -e BREAK\nreuse = false\n' \
			"$BENCH_DIR" "$TEST_SECONDS" >.git/orch-hooks.ini &&
		for b in b1 b2 b3 b4 b5 b6 breaker; do
			git checkout -q -b $b main && echo $b >$b.txt && { test $b != breaker || : >BREAK; } &&
			git add -A && git commit -q -m $b && git checkout -q main &&
			orch-hooks verdict set PASS $b 2>/dev/null || exit 1
		done && git branch start main)
}

# timed_land ARGS...: the nanoseconds one land took (from start, a fresh queue).
timed_land() {
	(cd r && git reset -q --hard start && rm -f .git/orch-hooks-land) &&
	t0=$(now_ns) && (cd r && orch-hooks land "$@" >/dev/null 2>&1) && t1=$(now_ns) &&
	echo $((t1 - t0))
}

repo r || exit 1
: >seq && : >spec
i=0
while [ $i -lt "$RUNS" ]; do
	timed_land b1 b2 b3 b4 b5 b6 >>seq && timed_land -j $JOBS b1 b2 b3 b4 b5 b6 >>spec ||
		{ echo "bench-land-parallel: a land failed" >&2; exit 1; }
	i=$((i + 1))
done
status=0
echo "land of 6 good branches, each test ${TEST_SECONDS}s ($RUNS runs each, medians, alternated):"
printf '%-58s %9s ms\n' "sequential land" "$(ms "$(median seq)")"
report "land -j $JOBS (ratio to sequential)" "$(median spec)" "$(median seq)" 0.5 || status=1

echo "test runs of land -j $JOBS --keep-going, six branches of which one breaks the tests (target <= $((6 + JOBS))):"
pos=1
while [ $pos -le 6 ]; do
	queue=$(echo b1 b2 b3 b4 b5 | awk -v p=$pos '{ for (i = 1; i <= NF + 1; i++) printf "%s ", (i == p ? "breaker" : $(i - (i > p))) }')
	(cd r && git reset -q --hard start && rm -f .git/orch-hooks-land) && : >runs &&
	(cd r && orch-hooks land -j $JOBS --keep-going --json $queue >"$BENCH_DIR/out.json" 2>/dev/null)
	rc=$?
	n=$(wc -l <runs)
	verdict=ok
	if [ "$n" -gt $((6 + JOBS)) ] || [ $rc -ne 1 ]; then verdict="OVER TARGET (exit $rc)"; status=1; fi
	printf '  breaker at %d of 6: %2d test runs (land said %s) %s\n' $pos "$n" \
		"$(sed -n 's/.*"test_runs": \([0-9]*\).*/\1/p' out.json)" "$verdict"
	pos=$((pos + 1))
done
exit $status
