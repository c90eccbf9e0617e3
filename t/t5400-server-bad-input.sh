#!/bin/sh
test_description='pre-receive under bad and extreme input: refuses what it cannot read, never hangs'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

Z=0000000000000000000000000000000000000000

# gate INPUT: run the installed pre-receive of srv.git the way git does, input on stdin.
gate() {
	(cd srv.git && GIT_DIR=. ./hooks/pre-receive <"$TRASH/$1")
}

test_expect_success 'setup: a server with the gate and some history' '
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	git init -q c &&
	(cd c && test_commit initial && test_commit second &&
	 git push -q "file://$TRASH/srv.git" main) &&
	git -C c rev-parse main >main-oid &&
	git -C c rev-parse main^ >first-oid
'

test_expect_success 'a malformed line is refused, naming the line' '
	printf "%s %s refs/heads/feature\nnot-a-ref-update\n" $Z $(cat main-oid) >in &&
	test_must_fail gate in 2>err &&
	test_grep "cannot read what git says is pushed (line 2: want .<old> <new> <ref>.)" err &&
	test_grep "push refused: the server gate cannot decide" err
'

test_expect_success 'ids that are not 40 lowercase hex digits are refused' '
	printf "%s %s refs/heads/feature\n" $Z $(tr a-f A-F <main-oid) >in &&
	test_must_fail gate in 2>err &&
	test_grep "not 40 lowercase hex digits" err
'

test_expect_success 'an update whose ids are both zero is refused' '
	printf "%s %s refs/heads/feature\n" $Z $Z >in &&
	test_must_fail gate in 2>err &&
	test_grep "both object ids are zero" err
'

test_expect_success 'empty input (nothing pushed) is accepted' '
	: >in &&
	gate in
'

test_expect_success 'refs with odd but valid characters are taken literally' '
	printf "%s %s refs/heads/it'"'"'s;\$(touch\${IFS}PWNED)\`x\`\n" $Z $(cat main-oid) >in &&
	gate in 2>err &&
	! test -e srv.git/PWNED && ! test -e PWNED
'

test_expect_success '10,000 ref updates are read and checked quickly' '
	awk -v z=$Z -v o=$(cat main-oid) "BEGIN { for (i = 0; i < 10000; i++) printf \"%s %s refs/heads/topic/%d\n\", z, o, i }" >in &&
	test $(wc -l <in) = 10000 &&
	start=$(date +%s) &&
	gate in 2>err &&
	test $(( $(date +%s) - start )) -lt 20
'

test_expect_success 'one bad protected update among 10,000 refuses the push' '
	cp in in-bad &&
	printf "%s %s refs/heads/main\n" $(cat main-oid) $Z >>in-bad &&
	test_must_fail gate in-bad 2>err &&
	test_grep "refs/heads/main" err
'

test_expect_success 'a rewind of main among good updates is refused' '
	printf "%s %s refs/heads/side\n%s %s refs/heads/main\n" $Z $(cat main-oid) $(cat main-oid) $(cat first-oid) >in &&
	test_must_fail gate in 2>err &&
	test_grep "refs/heads/main" err
'

test_done
