#!/bin/sh
test_description='the demo runs to the end and shows every gate at work'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'the demo runs to the end' '
	TMPDIR="$TRASH" sh "$ORCH_HOOKS_SRC/scripts/demo.sh" >out 2>&1 ||
	{ cat out; false; }
'

test_expect_success 'review: parse fails for floats, store and report pass' '
	test_grep "^money/parse  *[0-9a-f]\{12\}  *FAIL .*money.sh:12: floating point used for money" out &&
	test_grep "^money/store  *[0-9a-f]\{12\}  *PASS " out &&
	test_grep "^money/report  *[0-9a-f]\{12\}  *PASS " out &&
	test_grep "recorded 3 verdicts in refs/notes/verdicts: 2 PASS, 1 FAIL" out
'

test_expect_success 'a plain git merge of the failed branch is refused' '
	test_grep "orch-hooks:   .money/parse. at commit [0-9a-f]*: FAIL: money.sh:12" out
'

test_expect_success 'land keeps store and undoes report, naming it' '
	test_grep "\[1/2\] .money/store. landed as" out &&
	test_grep "TESTS FAILED: the merge of .money/report. ([0-9a-f]*) into .main. was UNDONE" out &&
	test_grep "\[2/2\] .money/report. ([0-9a-f]*) BROKE .main." out &&
	test_grep "^money/store  *[0-9a-f]\{12\}  *PASS  *[0-9a-f]\{12\}  *PASS  .*s  landed$" out &&
	test_grep "^money/report  *[0-9a-f]\{12\}  *PASS  *-  *FAIL  .*s  broke-tests$" out
'

test_expect_success 'the landed branch lost its worktree; the repository is left to look at' '
	test_grep "removed the worktree of .money/store." out &&
	repo=$(sed -n "s/^demo: done. The repository is at \(.*\) (worktrees beside it).$/\1/p" out) &&
	test -d "$repo/.git" &&
	git -C "$repo" log --first-parent --format=%s main >log &&
	test_grep "money/store" log && test_grep ! "money/report" log &&
	! test -d "$repo/../wt-store" && test -d "$repo/../wt-report"
'

test_done
