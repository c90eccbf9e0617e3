#!/bin/sh
# diff-lint: a deterministic orch-hooks reviewer.
#
# It reads what the branch adds since its merge base with the target, reports
# every added line that matches a forbidden pattern as `path:line: reason`, can
# run the tests on a copy of the checkout, and ends with its verdict:
# `PASS`, or `FAIL: <first finding>`.
#
# Policy:   [review] command = sh /usr/share/orch-hooks/reviewers/diff-lint.sh
# Settings (environment; set them in the command, e.g. `ORCH_REVIEW_TEST='make check' sh ...`):
#   ORCH_REVIEW_FORBID      extended regular expression (awk) an added line must not match;
#                           default: floating point types, which must not hold money
#   ORCH_REVIEW_FORBID_WHY  what a match means (default: "floating point used for money ...")
#   ORCH_REVIEW_TEST        a test command, run by /bin/sh in a writable copy of the
#                           checkout under $TMPDIR (the checkout itself must stay untouched)
# orch-hooks provides ORCH_REPO, ORCH_COMMIT, ORCH_BASE, ORCH_BRANCH and ORCH_TARGET.

set -u

: "${ORCH_REPO:?diff-lint runs under orch-hooks review (ORCH_REPO is not set)}"
: "${ORCH_COMMIT:?diff-lint runs under orch-hooks review (ORCH_COMMIT is not set)}"
forbid=${ORCH_REVIEW_FORBID:-'(^|[^A-Za-z0-9_])(float|double)([^A-Za-z0-9_]|$)'}
why=${ORCH_REVIEW_FORBID_WHY:-'floating point used for money (use integer cents)'}
# No merge base: review everything against the empty tree.
base=${ORCH_BASE:-4b825dc642cb6eb9a060e54bf8d69288fbee4904}

echo "diff-lint: ${ORCH_BRANCH:-$ORCH_COMMIT} against ${ORCH_TARGET:-its base} (base ${base})"

diff=$(git --git-dir="$ORCH_REPO" -c core.quotePath=false diff --no-color --no-ext-diff \
	--no-renames -U0 "$base" "$ORCH_COMMIT" --) || {
	echo "FAIL: cannot diff ${base} against ${ORCH_COMMIT}"
	exit 1
}

# Added lines that match, as path:line: reason: text.
findings=$(printf '%s\n' "$diff" | FORBID=$forbid WHY=$why awk '
	/^\+\+\+ / { path = substr($0, 5); sub(/^b\//, "", path); next }
	/^@@ / {
		split($3, a, ",")
		line = substr(a[1], 2) + 0
		next
	}
	/^\+/ {
		text = substr($0, 2)
		if (text ~ ENVIRON["FORBID"])
			printf "%s:%d: %s: %s\n", path, line, ENVIRON["WHY"], text
		line++
	}')

count=0
if [ -n "$findings" ]; then
	printf '%s\n' "$findings"
	count=$(printf '%s\n' "$findings" | wc -l)
fi

tests_failed=
if [ -n "${ORCH_REVIEW_TEST:-}" ]; then
	work=${TMPDIR:-/tmp}/diff-lint-work.$$
	mkdir -p "$work" && cp -R ./. "$work" && chmod -R u+w "$work" || {
		echo "FAIL: cannot copy the checkout to ${work}"
		exit 1
	}
	echo "diff-lint: running the tests: $ORCH_REVIEW_TEST"
	if (cd "$work" && /bin/sh -c "$ORCH_REVIEW_TEST") >"$work.log" 2>&1; then
		echo "diff-lint: the tests passed"
	else
		tests_failed=$?
		tail -n 40 "$work.log"
	fi
	rm -rf "$work" "$work.log"
fi

if [ "$count" -gt 0 ]; then
	first=$(printf '%s\n' "$findings" | head -n 1)
	if [ "$count" -gt 1 ]; then
		echo "FAIL: $first (and $((count - 1)) more)"
	else
		echo "FAIL: $first"
	fi
elif [ -n "$tests_failed" ]; then
	echo "FAIL: the tests failed (exit status $tests_failed): $ORCH_REVIEW_TEST"
else
	echo PASS
fi
exit 0
