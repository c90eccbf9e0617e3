#!/bin/sh
# Every test orch-hooks has, the way CI runs them:
#   1. gcc, warnings as errors: make check with the slow tests (the Debian
#      package), then make distcheck (with a cross-section of the suite)
#   2. clang, warnings as errors, ASan + UBSan: make check
#   3. make fuzz: each libFuzzer target for FUZZ_SECONDS (default here 20)
# Build trees go under _ci/ (ignored by git). Ends with one "N passed, N failed" line.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
jobs=$(nproc 2>/dev/null || echo 2)

# An in-tree configure (an older quick start, or by hand) makes every out-of-tree
# build below stop at "source directory already configured": clean it first.
if [ -f config.status ]; then
	echo "check-all: the source tree is configured in place; running make distclean first"
	make distclean >/dev/null 2>&1 || rm -f config.status config.h config.log Makefile
fi
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi || exit 1
rm -rf _ci && mkdir -p _ci/gcc _ci/asan

status=0
run() {
	name=$1; shift
	echo "==> $name"
	if ! "$@"; then
		echo "==> $name FAILED" >&2
		status=1
		return 1
	fi
}

show_failures() {
	for log in "$1"/t/*.log "$1"/t/unit/*.log; do
		[ -f "$log" ] || continue
		if grep -q '^not ok\|^ERROR\|^FAIL' "$log"; then
			echo "---- $log" && cat "$log"
		fi
	done
}

run "gcc configure" sh -c 'cd _ci/gcc && CC=gcc ../../configure -q --enable-werror' &&
	run "gcc build" make -s -C _ci/gcc -j"$jobs" &&
	{ run "gcc check" env ORCH_HOOKS_SLOW_TESTS=1 make -s -C _ci/gcc -j"$jobs" check ||
		show_failures _ci/gcc; }
# distcheck proves the tarball: it builds, installs, uninstalls and cleans up
# out of tree, and a cross-section of the suite passes in it (the whole suite
# ran just above; running it a third time would only cost CI's time).
distcheck_tests="t/t0000-basics.sh t/t0400-man-pages.sh t/t1000-policy.sh t/t2000-install.sh"
distcheck_tests="$distcheck_tests t/t3000-merge-gate.sh t/t4000-test-gate.sh t/t5000-server-gate.sh"
distcheck_tests="$distcheck_tests t/t7000-land.sh t/t7200-demo.sh"
run "distcheck" sh -c 'make -C _ci/gcc -j"$1" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
	TESTS="$2" >_ci/distcheck.out 2>&1 || { tail -60 _ci/distcheck.out; exit 1; }' sh "$jobs" "$distcheck_tests"

run "clang+sanitizers configure" sh -c 'cd _ci/asan && CC=clang ../../configure -q --enable-werror --enable-sanitizers' &&
	run "clang+sanitizers build" make -s -C _ci/asan -j"$jobs" &&
	{ run "clang+sanitizers check" make -s -C _ci/asan -j"$jobs" check || show_failures _ci/asan; }

# make fuzz runs the targets one after another, each libFuzzer process on one
# core: run $jobs shares of them side by side instead (each target still gets
# FUZZ_SECONDS), after building them all at once.
fuzz_side_by_side() {
	targets=$(sed -n 's/^FUZZ_TARGETS = //p' _ci/gcc/Makefile)
	make -s -C _ci/gcc -j"$jobs" fuzz-build || return 1
	if [ -z "$targets" ]; then
		make -s -C _ci/gcc fuzz FUZZ_SECONDS="$1"
		return
	fi
	rm -f _ci/fuzz-*.out
	pids=''
	i=0
	while [ "$i" -lt "$jobs" ]; do
		# shellcheck disable=SC2086
		share=$(printf '%s\n' $targets | awk -v n="$jobs" -v i="$i" 'NR % n == i' | tr '\n' ' ')
		if [ -n "$share" ]; then
			make -s -C _ci/gcc fuzz FUZZ_SECONDS="$1" FUZZ_TARGETS="$share" >"_ci/fuzz-$i.out" 2>&1 &
			pids="$pids $!"
		fi
		i=$((i + 1))
	done
	fuzz_status=0
	for pid in $pids; do
		wait "$pid" || fuzz_status=1
	done
	cat _ci/fuzz-*.out
	return "$fuzz_status"
}
run "fuzz" fuzz_side_by_side "${FUZZ_SECONDS:-20}"

passed=0 failed=0
for f in _ci/gcc/test-suite.log _ci/asan/test-suite.log; do
	[ -f "$f" ] || { failed=$((failed + 1)); continue; }
	p=$(sed -n 's/^# PASS: *//p' "$f" | head -1)
	x=$(sed -n 's/^# FAIL: *//p' "$f" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$f" | head -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${x:-0} + ${e:-0}))
done
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "check-all: $passed passed, $failed failed"
exit "$status"
