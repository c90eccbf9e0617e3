#!/bin/sh
test_description='the server gate finds the protected tips by exact name and by glob'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

# Protected names without wildcards are looked up directly, globs by listing
# the branches: both must vouch for what they reach.

test_expect_success 'setup: a server protecting main and release/*, a release branch with a reviewed merge' '
	gated_server srv.git "file://$TRASH/srv.git" c "[branches]\nprotected = main release/*\n" &&
	(cd c && git checkout -q -b feat && test_commit feat feat.t &&
	 orch-hooks verdict set PASS feat 2>/dev/null &&
	 git checkout -q -b release/1 main &&
	 git merge -q --no-ff -m "Merge branch '\''feat'\''" feat &&
	 git push --atomic origin release/1 refs/notes/verdicts 2>../err) &&
	test_grep "remote: orch-hooks: .release/1.: 2 commits new to protected branches, the verdicts of 1 merge checked: accepted" err
'

test_expect_success 'what a glob-protected branch reached is not new to main' '
	(cd c && git push origin release/1:main 2>../err) &&
	test_grep "remote: orch-hooks: .main.: 0 commits new to protected branches" err
'

test_expect_success 'protected branches named exactly vouch for what they reach' '
	printf "[branches]\nprotected = main refs/heads/release/1 release/2\n" >srv.git/orch-hooks.ini &&
	(cd c && git push origin main:refs/heads/release/2 2>../err) &&
	test_grep "remote: orch-hooks: .release/2.: 0 commits new to protected branches" err
'

test_expect_success 'an unprotected branch vouches for nothing, however many there are' '
	(cd c && git checkout -q -b direct release/1 && test_commit direct direct.t &&
	 for i in 1 2 3 4 5 6 7 8 9 10; do git push -q origin direct:refs/heads/topic$i 2>/dev/null || return 1; done &&
	 test_must_fail git push origin direct:main 2>../err) &&
	test_grep "is not a merge: work reaches .main. only through reviewed merges" err
'

test_done
