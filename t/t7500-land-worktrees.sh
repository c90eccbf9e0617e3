#!/bin/sh
test_description='land removes a landed worktree only when nothing of the person is in it'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'setup: three landed-to-be branches in worktrees' '
	new_repo r &&
	(cd r && printf ".env\ndata/\n" >.gitignore && git add .gitignore && test_tick &&
	 git commit -q -m ignore &&
	 for b in clean ignored untracked; do
		branch_with_commit $b $b.txt && orch-hooks verdict set PASS $b &&
		git worktree add -q ../wt-$b $b || exit 1
	 done) 2>/dev/null &&
	echo SECRET=1 >wt-ignored/.env &&
	mkdir wt-ignored/data && echo rows >wt-ignored/data/big.csv &&
	echo draft >wt-untracked/notes.txt
'

test_expect_success 'a worktree holding ignored files is kept and named; so is one with untracked files' '
	(cd r && orch-hooks land --json clean ignored untracked >../out.json 2>../err) &&
	! test -d wt-clean &&
	test_grep "removed the worktree of .clean." err &&
	echo SECRET=1 >expect && test_cmp expect wt-ignored/.env &&
	echo rows >expect && test_cmp expect wt-ignored/data/big.csv &&
	test_grep "kept the worktree of .ignored. (.*wt-ignored): it holds files that are not committed" err &&
	test_grep "\.env" err && test_grep "data/" err &&
	echo draft >expect && test_cmp expect wt-untracked/notes.txt &&
	test_grep "kept the worktree of .untracked." err &&
	test_grep "notes.txt" err &&
	git -C r worktree list >wts &&
	test_grep wt-ignored wts && test_grep wt-untracked wts
'

test_done
