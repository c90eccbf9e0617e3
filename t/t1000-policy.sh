#!/bin/sh
test_description='the policy: lookup order, errors with file:line, fail closed'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'setup' '
	new_repo r &&
	(cd r && branch_with_commit feat f1)
'

test_expect_success 'install wrote the default policy into the common git directory' '
	test_cmp "$ORCH_HOOKS_SRC/etc/orch-hooks.ini" r/.git/orch-hooks.ini
'

test_expect_success 'policy prints values and where each came from' '
	(cd r && orch-hooks policy >../out) &&
	test_grep "^# policy in effect: .*/r/.git/orch-hooks.ini$" out &&
	test_grep "^protected = main master$" out &&
	test_grep "# from .*/r/.git/orch-hooks.ini:[0-9][0-9]*$" out &&
	test_grep -A1 "^tests_ref = refs/notes/tests$" out >tr &&
	test_grep "# from default" tr
'

test_expect_success 'the repository policy wins over the system one' '
	printf "[branches]\nprotected = trunk\n" >r/.git/orch-hooks.ini &&
	test_when_finished "cp \"$ORCH_HOOKS_SRC/etc/orch-hooks.ini\" r/.git/orch-hooks.ini" &&
	(cd r && orch-hooks policy >../out) &&
	test_grep "^protected = trunk$" out &&
	test_grep "# from .*/r/.git/orch-hooks.ini:2$" out
'

test_expect_success '$ORCH_HOOKS_CONFIG wins over the repository policy' '
	printf "[branches]\nprotected = release/*\n" >env.ini &&
	(cd r && ORCH_HOOKS_CONFIG="$TRASH/env.ini" orch-hooks policy >../out) &&
	test_grep "^protected = release/\*$" out
'

test_expect_success 'the system policy applies when the repository has none' '
	git init -q bare-policy &&
	(cd bare-policy && orch-hooks policy >../out) &&
	test_grep "^# policy in effect: $ORCH_HOOKS_SRC/etc/orch-hooks.ini$" out
'

test_expect_success 'a linked worktree reads the common directory policy' '
	(cd r && git worktree add -q ../wt feat) &&
	printf "[branches]\nprotected = wt-only\n" >r/.git/orch-hooks.ini &&
	test_when_finished "cp \"$ORCH_HOOKS_SRC/etc/orch-hooks.ini\" r/.git/orch-hooks.ini" &&
	(cd wt && orch-hooks policy >../out) &&
	test_grep "^protected = wt-only$" out
'

# policy_refused INI PATTERN: orch-hooks policy in r, given the policy file
# that printf INI writes, fails with a message matching PATTERN.
policy_refused() {
	printf "$1" >bad.ini &&
	(cd r && test_must_fail env ORCH_HOOKS_CONFIG="$TRASH/bad.ini" orch-hooks policy 2>../err) &&
	test_grep "$2" err
}

test_expect_success 'an unknown key is an error naming file and line' '
	policy_refused "[branches]\nprotected = main\n\n[test]\ncomand = make\n" "orch-hooks: $TRASH/bad.ini:5: unknown key .comand. in \[test\]"
'

test_expect_success 'an unknown section is an error naming file and line' '
	policy_refused "[branches]\nprotected = main\n[bogus]\nx = 1\n" "bad.ini:3: unknown section \[bogus\]"
'

test_expect_success 'a malformed duration is an error naming file and line' '
	policy_refused "[test]\ntimeout = 90\n" "bad.ini:2: \[test\] timeout: .90. is not a duration"
'

test_expect_success 'a line inih cannot parse is an error naming file and line' '
	policy_refused "[branches]\nprotected = main\nthis is not ini\n" "bad.ini:3: cannot parse this line"
'

test_expect_success 'a policy named by ORCH_HOOKS_CONFIG must exist' '
	(cd r && test_must_fail env ORCH_HOOKS_CONFIG="$TRASH/nope.ini" orch-hooks policy 2>../err) &&
	test_grep "cannot read policy .*nope.ini.: No such file" err
'

test_expect_success 'a malformed policy makes the merge gate refuse, naming file:line' '
	printf "[branches]\nprotected = main\n[review]\nallow_manual = maybe\n" >r/.git/orch-hooks.ini &&
	test_when_finished "cp \"$ORCH_HOOKS_SRC/etc/orch-hooks.ini\" r/.git/orch-hooks.ini; cd \"$TRASH/r\" && git merge --abort 2>/dev/null; true" &&
	(cd r && git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m "merge feat" feat 2>../err &&
	 git rev-parse HEAD >../after) &&
	test_cmp before after &&
	test_grep "orch-hooks.ini:4: \[review\] allow_manual: .maybe. is not a boolean" err &&
	test_grep "merge refused: the merge gate cannot decide" err
'

test_expect_success 'even an unprotected target is refused while the policy is broken' '
	printf "[branches\n" >r/.git/orch-hooks.ini &&
	test_when_finished "cp \"$ORCH_HOOKS_SRC/etc/orch-hooks.ini\" r/.git/orch-hooks.ini; cd \"$TRASH/r\" && git merge --abort 2>/dev/null; git checkout -q main" &&
	(cd r && git checkout -q -b side main &&
	 test_must_fail git merge --no-ff -m "merge feat" feat 2>../err) &&
	test_grep "orch-hooks.ini:1: cannot parse this line" err
'

test_done
