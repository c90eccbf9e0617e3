#!/bin/sh
test_description='policy mistakes that would weaken a gate: quoted values fail, unmatched patterns warn'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

POLICY=r/.git/orch-hooks.ini

test_expect_success 'setup: a repository with an unreviewed branch' '
	new_repo r &&
	(cd r && branch_with_commit feat f1 && branch_with_commit release/1 r1 &&
	 git rev-parse main >../main-before)
'

test_expect_success 'protected = "main" is an error naming the file and line' '
	printf "[branches]\n# quoted by habit\nprotected = \"main\"\n" >$POLICY &&
	(cd r && test_must_fail orch-hooks policy >../out 2>../err) &&
	test_grep "orch-hooks.ini:3: \[branches\] protected: quotes are kept as part of the value" err
'

test_expect_success "protected = 'main' is an error too" '
	printf "[branches]\nprotected = '"'"'main'"'"' release/*\n" >$POLICY &&
	(cd r && test_must_fail orch-hooks policy >../out 2>../err) &&
	test_grep "orch-hooks.ini:2: \[branches\] protected: quotes are kept" err
'

test_expect_success 'with a quoted pattern the merge gate refuses instead of protecting nothing' '
	printf "[branches]\nprotected = \"main\"\n" >$POLICY &&
	(cd r && test_must_fail git merge --no-ff -m m feat 2>../err &&
	 git merge --abort; git rev-parse main >../main-after) &&
	test_cmp main-before main-after &&
	test_grep "orch-hooks.ini:2: \[branches\] protected: quotes" err
'

test_expect_success 'a quoted boolean or reviewer list is an error with its line' '
	printf "[branches]\nprotected = main\nrequire_signed = \"true\"\n" >$POLICY &&
	(cd r && test_must_fail orch-hooks policy 2>../err) &&
	test_grep "orch-hooks.ini:3: \[branches\] require_signed: the value \"true\" is quoted" err &&
	printf "[server]\nreviewers = '"'"'alice'"'"'\n" >$POLICY &&
	(cd r && test_must_fail orch-hooks policy 2>../err) &&
	test_grep "orch-hooks.ini:2: \[server\] reviewers: the value .alice. is quoted" err
'

test_expect_success 'a quoted test command is shell text, not an error' '
	printf "[branches]\nprotected = main\n[test]\ncommand = \"true\" --x\n" >$POLICY &&
	(cd r && orch-hooks policy >../out 2>../err) &&
	test_grep "^command = \"true\" --x$" out
'

test_expect_success 'policy warns about a protected pattern that matches no branch, and succeeds' '
	printf "[branches]\nprotected = mian release/*\n" >$POLICY &&
	(cd r && orch-hooks policy >../out 2>../err) &&
	test_grep "warning: \[branches\] protected pattern .mian. (.*orch-hooks.ini:2) matches no branch here" err &&
	test_grep ! "release" err
'

test_expect_success 'install warns about it too' '
	(cd r && orch-hooks install >../out 2>../err) &&
	test_grep "warning: \[branches\] protected pattern .mian. .* matches no branch here" err
'

test_expect_success 'no warning when every pattern matches a branch' '
	printf "[branches]\nprotected = main, refs/heads/release/*\n" >$POLICY &&
	(cd r && orch-hooks policy >../out 2>../err && orch-hooks install >/dev/null 2>../err2) &&
	test_grep ! "warning" err &&
	test_grep ! "warning" err2
'

test_expect_success 'the shipped main master: one of the two existing is enough' '
	cp "$ORCH_HOOKS_SRC/etc/orch-hooks.ini" $POLICY &&
	(cd r && orch-hooks policy >../out 2>../err) &&
	test_grep ! "warning" err &&
	printf "[branches]\nprotected = main master trunk\n" >$POLICY &&
	(cd r && orch-hooks policy >../out 2>../err) &&
	test_grep "pattern .trunk." err &&
	test_grep ! "pattern .master." err
'

test_expect_success 'an empty protected list warns: it guards nothing' '
	printf "[branches]\nprotected =\n" >$POLICY &&
	(cd r && orch-hooks policy >../out 2>../err) &&
	test_grep "warning: \[branches\] protected (.*orch-hooks.ini:2) is empty: no branch is protected" err
'

test_expect_success 'a brand-new repository: the branch HEAD will create counts; warn, never fail' '
	git init -q fresh &&
	(cd fresh && orch-hooks install >../out 2>../err) &&
	test_grep ! "warning" err &&
	printf "[branches]\nprotected = trunk\n" >fresh/.git/orch-hooks.ini &&
	(cd fresh && orch-hooks install >../out 2>../err && orch-hooks policy >../out 2>../err2) &&
	test_grep "protected pattern .trunk. .* matches no branch here" err &&
	test_grep "protected pattern .trunk. .* matches no branch here" err2
'

test_expect_success 'a brand-new bare server repository installs without a warning' '
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git >out 2>err &&
	test_grep ! "warning" err
'

test_done
