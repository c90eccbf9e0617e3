#!/bin/sh
test_description='hostile branch names are handled literally, never by a shell'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'setup' '
	new_repo r
'

for name in "it's" 'a;touch${IFS}PWNED' 'x`touch${IFS}PWNED`' 'y$(touch${IFS}PWNED)' 'q"uote'
do
	test_expect_success "branch $name: refused without a verdict, no injection" '
		(cd r && git checkout -q -b "$name" main && test_commit "c$test_count" &&
		 git checkout -q main &&
		 test_must_fail git merge --no-ff -m m "$name" 2>../err && git merge --abort) &&
		! test -e r/PWNED && ! test -e PWNED &&
		test_grep -F "$name" err
	'
	test_expect_success "branch $name: verdict set and merged" '
		(cd r && orch-hooks verdict set PASS "$name" 2>/dev/null &&
		 orch-hooks verdict show "$name" >/dev/null &&
		 git merge --no-ff -m m "$name") &&
		! test -e r/PWNED && ! test -e PWNED
	'
done

test_done
