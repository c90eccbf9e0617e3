#!/bin/sh
test_description='the fuzz corpora replayed: every seed and every crash once found still passes'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

for target in policy note pattern receive-lines notes-tree test-record commit-graph; do
	replay="$ORCH_HOOKS_BUILD/fuzz/replay-$target"
	if ! test -x "$replay"; then
		test_skip "fuzz corpus of $target" "fuzz/replay-$target is not built (make check builds it)"
		continue
	fi
	test_expect_success "fuzz corpus of $target: each input passes the target's checks" '
		ls "$ORCH_HOOKS_SRC/t/fuzz-corpus/$target"/* >inputs &&
		test -s inputs &&
		"$replay" "$ORCH_HOOKS_SRC/t/fuzz-corpus/$target"/* >out &&
		test $(grep -c "^ok " out) = $(wc -l <inputs)
	'
done

test_done
