#!/bin/sh
test_description='a split index (core.splitIndex), which libgit2 cannot read: every gate refuses, says so and names the fix'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

FIX="git config core.splitIndex false && git update-index --no-split-index"

test_expect_success 'setup: a split index and a reviewed feat' '
	new_repo r &&
	(cd r && printf "[branches]\nprotected = main\n[test]\ncommand = true\n" >.git/orch-hooks.ini &&
	 git config core.splitIndex true && git update-index --split-index &&
	 branch_with_commit feat f.t && orch-hooks verdict set PASS feat 2>/dev/null) &&
	ls r/.git/sharedindex.* >shared && test -s shared
'

test_expect_success 'a reviewed merge is refused, naming the split index and the fix; nothing is committed' '
	git -C r rev-parse HEAD >before &&
	(cd r && test_must_fail git merge --no-ff -m "merge feat" feat 2>../err && git merge --abort) &&
	git -C r rev-parse HEAD >after &&
	test_cmp before after &&
	test_grep "the index of .*is split (core.splitIndex), which orch-hooks cannot read" err &&
	test_grep -F "fix: $FIX" err
'

test_expect_success 'doctor names the split index as a problem, with the fix' '
	(cd r && test_must_fail orch-hooks doctor >../out 2>../err) &&
	test_grep "core.splitIndex is on" err &&
	test_grep -F "fix: $FIX" err
'

test_expect_success 'after the fix the same merge lands' '
	(cd r && eval "$FIX" && git merge --no-ff -m "merge feat" feat 2>../err) &&
	test "$(git -C r rev-parse HEAD^2)" = "$(git -C r rev-parse feat)" &&
	(cd r && orch-hooks doctor >/dev/null 2>&1)
'

test_done
