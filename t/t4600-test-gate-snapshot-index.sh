#!/bin/sh
test_description='the snapshot before the tests: index trees written in-process, and by git where libgit2 would differ'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# state_of DIR: status, index diff and work tree diff, to compare before and after.
state_of() {
	(cd "$1" && git rev-parse HEAD && git status --porcelain --untracked-files=all &&
	 git diff --cached && git diff)
}

test_expect_success 'setup: tests that fail, so every merge is undone' '
	new_repo r &&
	printf "[branches]\nprotected = main\n[test]\ncommand = echo t >>u.t; exit 1\non_failure = undo\n" \
		>r/.git/orch-hooks.ini &&
	(cd r && test_commit u u.t && test_commit s s.t)
'

test_expect_success 'staged and unstaged work comes back as it was (the in-process trees)' '
	(cd r && reviewed_branch feat1 f1.t && echo staged >>s.t && git add s.t && echo mine >>u.t) &&
	state_of r >before &&
	git -C r merge feat1 2>err &&
	state_of r >after &&
	test_cmp before after &&
	test_grep "the merge was UNDONE" err
'

test_expect_success 'an intent-to-add file comes back as git write-tree sees it: untracked, never staged empty' '
	(cd r && git reset -q --hard && reviewed_branch feat2 f2.t &&
	 echo new >ita.t && git add -N ita.t && echo mine >>u.t) &&
	git -C r merge feat2 2>err &&
	test_grep "the merge was UNDONE" err &&
	git -C r status --porcelain >status &&
	printf " M u.t\n?? ita.t\n" >expect &&
	test_cmp expect status &&
	echo new >expect && test_cmp expect r/ita.t
'

test_done
