#!/bin/sh
test_description='the server gate reads branch patterns through the one pattern module'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

# unreviewed_merge BRANCH: onto the checked-out branch, a merge of a new unreviewed branch.
unreviewed_merge() {
	git checkout -q -b "$1" &&
	test_commit "$1" "$1.t" &&
	git checkout -q - &&
	git merge -q --no-ff -m "Merge branch '$1'" "$1"
}

test_expect_success 'setup: a server protecting refs/heads/main and release/* (a star stops at /)' '
	gated_server srv.git "file://$TRASH/srv.git" c "[branches]\nprotected = refs/heads/main, release/*\n" &&
	(cd c && git push -q origin main:release/1 main:release/2/x main:feature 2>../err)
'

test_expect_success 'a pattern written refs/heads/main protects main' '
	(cd c && unreviewed_merge f1 && srv_refs_of ../srv.git ../before &&
	 test_must_fail git push origin main 2>../err && srv_refs_of ../srv.git ../after) &&
	test_cmp before after &&
	test_grep "push to .refs/heads/main. refused" err &&
	test_grep "review it: orch-hooks review" err
'

test_expect_success 'release/* protects release/1 but not release/2/x' '
	(cd c && test_must_fail git push origin main:release/1 2>../err &&
	 git push origin main:release/2/x 2>../err2) &&
	test_grep "push to .refs/heads/release/1. refused" err &&
	test_grep ! "refused" err2
'

test_expect_success 'a tag or another namespace named like a protected branch is not a branch' '
	printf "[branches]\nprotected = **\n" >srv.git/orch-hooks.ini &&
	(cd c && git push origin main:refs/tags/main main:refs/review/main 2>../err &&
	 unreviewed_merge f2 && test_must_fail git push origin main:feature 2>../err2) &&
	test_grep ! "refused" err &&
	test_grep "push to .refs/heads/feature. refused" err2
'

test_done
