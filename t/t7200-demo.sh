#!/bin/sh
test_description='the demo shows all four gates in at most 60 lines'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# The build tree's programs, whatever is installed on this machine.
unset ORCH_HOOKS_INSTALLED

test_expect_success 'the demo runs to the end, in at most 60 lines' '
	TMPDIR="$TRASH" sh "$ORCH_HOOKS_SRC/scripts/demo.sh" >out 2>&1 ||
	{ cat out; false; } &&
	test $(wc -l <out) -le 60 &&
	test_grep "^demo: the build tree.s orch-hooks in $ORCH_HOOKS_BUILD$" out
'

test_expect_success 'gate 1, review: parse fails for floats, store and report pass' '
	test_grep "^money/parse  *[0-9a-f]\{12\}  *FAIL .*money.sh:12: floating point used for money" out &&
	test_grep "^money/store  *[0-9a-f]\{12\}  *PASS " out &&
	test_grep "^money/report  *[0-9a-f]\{12\}  *PASS " out &&
	test_grep "recorded 3 verdicts in refs/notes/verdicts: 2 PASS, 1 FAIL" out
'

test_expect_success 'gate 2: a plain git merge of the failed branch is refused' '
	test_grep "orch-hooks:   .money/parse. at commit [0-9a-f]*: FAIL: money.sh:12" out
'

test_expect_success 'gate 3: land keeps store and undoes report, naming it' '
	test_grep "\[1/2\] .money/store. landed as" out &&
	test_grep "the merge was UNDONE: .main. is back at" out &&
	test_grep "\[2/2\] .money/report. ([0-9a-f]*) BROKE .main." out &&
	test_grep "^money/store  *[0-9a-f]\{12\}  *PASS  *[0-9a-f]\{12\}  *PASS  .*s  landed$" out &&
	test_grep "^money/report  *[0-9a-f]\{12\}  *PASS  *-  *FAIL  .*s  broke-tests$" out
'

test_expect_success 'gate 4: the server refuses main without its verdicts, then takes it with them' '
	sed -n "/^\\$ git push \\.\\.\\/shared.git main$/,/^\\$ git push --atomic/p" out >refused &&
	test_grep "orch-hooks: push to .refs/heads/main. refused" refused &&
	test_grep "merges [0-9a-f]* (.money/store.): no verdict" refused &&
	test_grep "\[remote rejected\] main -> main" refused &&
	sed -n "/^\\$ git push --atomic/,\$p" out >accepted &&
	test_grep "accepted" accepted &&
	test_grep "[0-9a-f]*\.\.[0-9a-f]* *main -> main" accepted &&
	repo=$(sed -n "s/^demo: done. The repository is at \(.*\) (worktrees beside it).$/\1/p" out) &&
	git -C "$repo/../shared.git" rev-parse main >server &&
	git -C "$repo" rev-parse main >local &&
	test_cmp local server &&
	git -C "$repo/../shared.git" rev-parse --verify refs/notes/verdicts
'

test_expect_success 'the landed branch lost its worktree; the repository is left to look at' '
	repo=$(sed -n "s/^demo: done. The repository is at \(.*\) (worktrees beside it).$/\1/p" out) &&
	test -d "$repo/.git" &&
	git -C "$repo" log --first-parent --format=%s main >log &&
	test_grep "money/store" log && test_grep ! "money/report" log &&
	! test -d "$repo/../wt-store" && test -d "$repo/../wt-report"
'

test_expect_success '--verbose shows every command whole' '
	TMPDIR="$TRASH" sh "$ORCH_HOOKS_SRC/scripts/demo.sh" --verbose >verbose 2>&1 ||
	{ cat verbose; false; } &&
	test $(wc -l <verbose) -gt 60 &&
	test_grep "^--- review of money/parse" verbose &&
	test_grep "TESTS FAILED after the merge of .money/report." verbose
'

test_done
