#!/bin/sh
test_description='the server gate requires a signed PASS test record for exactly the pushed tree ([server] require_tests)'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

# runner KEY: the clone's policy; it tests with check.sh and signs with KEY ("" for none).
runner() {
	printf '[branches]\nprotected = main\n[test]\ncommand = sh check.sh\nsigning_key = %s\n[server]\ntest_signers = %s\n' \
		"$1" "$TRASH/signers" >c/.git/orch-hooks.ini
}

server_policy() {
	printf '[branches]\nprotected = main\n[server]\nallow_direct = true\nrequire_tests = true\n%s' "$1" \
		>srv.git/orch-hooks.ini
}

# policy_in_test EXTRA: server_policy EXTRA until the test ends, then the
# usual one again.
policy_in_test() {
	server_policy "$1" &&
	test_when_finished "server_policy \"test_signers = test_signers
\""
}

# work NAME STATE: a commit on main whose check.sh passes when STATE is "good".
work() {
	(cd c && git checkout -q main && echo "$2" >state && git add state && test_commit "$1")
}

# tested_work NAME: work NAME good, tested (and signed) by the clone's runner.
tested_work() {
	work "$1" good && (cd c && orch-hooks test main 2>/dev/null)
}

# refused URL REASON: pushing main and the tests notes fails with REASON; no server ref moves.
refused() {
	srv_refs_of srv.git before &&
	(cd c && test_must_fail git push --atomic "$1" main refs/notes/tests 2>../err) &&
	srv_refs_of srv.git after &&
	test_cmp before after &&
	test_grep "remote: orch-hooks: push to .refs/heads/main. refused: $2" err &&
	(cd c && git fetch -q origin && git reset -q --hard origin/main &&
	 git update-ref refs/notes/tests "$(git -C ../srv.git rev-parse refs/notes/tests)")
}

accepted() {
	(cd c && git push --atomic "$1" main refs/notes/tests 2>../err && git fetch -q origin) &&
	test_grep "carries a PASS for its tree, signed by .ci-runner." err &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual && test_cmp expect actual
}

test_expect_success 'setup: a CI key, a stranger, a gated server, a clone that tests and signs' '
	ssh-keygen -q -t ed25519 -N "" -C ci -f ci &&
	ssh-keygen -q -t ed25519 -N "" -C stranger -f stranger &&
	echo "ci-runner $(cat ci.pub)" >signers &&
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	cp signers srv.git/test_signers &&
	server_policy "test_signers = test_signers
" &&
	git init -q c &&
	(cd c && git remote add origin "file://$TRASH/srv.git" &&
	 printf "grep -q good state\n" >check.sh && echo good >state && git add check.sh state &&
	 test_commit initial) &&
	runner "$TRASH/ci" &&
	(cd c && orch-hooks test main 2>/dev/null && git push -q origin main refs/notes/tests && git fetch -q origin)
'

test_expect_success 'a tip with a PASS signed by an allowed CI key is accepted (file://)' '
	tested_work one &&
	accepted origin
'

test_expect_success 'a tip without any test record is refused, saying how to get one' '
	work no-record good &&
	refused origin "no test record on its new tip $(git -C c rev-parse main)" &&
	test_grep "have CI test it: push it to refs/orch/candidates/" err
'

test_expect_success 'a tip whose tests FAILED is refused' '
	work broken bad && (cd c && test_must_fail orch-hooks test main 2>/dev/null) &&
	refused origin "tests FAILED on its new tip" &&
	test_grep "FAILED on this tree (exit 1" err
'

test_expect_success 'an unsigned PASS is refused' '
	runner "" &&
	tested_work unsigned &&
	refused origin "unsigned test record" &&
	runner "$TRASH/ci"
'

test_expect_success 'a PASS signed by a key that is not a test signer is refused' '
	runner "$TRASH/stranger" &&
	tested_work stranger &&
	refused origin "untrusted test record" &&
	test_grep "signed by an unknown key" err &&
	runner "$TRASH/ci"
'

test_expect_success 'a signed PASS for another tree, copied onto the tip, is refused' '
	work other good && tree=$(git -C c rev-parse --short=12 main^{tree}) &&
	(cd c && git notes --ref=refs/notes/tests show origin/main >../n &&
	 git notes --ref=refs/notes/tests add -f -F ../n main) &&
	refused origin "test record for another tree" &&
	test_grep "not this tip.s tree $tree" err
'

test_expect_success 'a signed FAIL turned into a PASS (a broken signature) is refused' '
	work forged bad && (cd c && test_must_fail orch-hooks test main 2>/dev/null &&
	 git notes --ref=refs/notes/tests show main | sed "s/^Tests: FAIL/Tests: PASS/" >../n &&
	 git notes --ref=refs/notes/tests add -f -F ../n main) &&
	refused origin "untrusted test record" &&
	test_grep "bad signature: the signature does not match this test record" err
'

test_expect_success 'a truncated test note is refused as damaged' '
	work truncated good && (cd c && orch-hooks test main 2>/dev/null &&
	 git notes --ref=refs/notes/tests show main | head -c 120 >../n &&
	 git notes --ref=refs/notes/tests add -f -F ../n main &&
	 git notes --ref=refs/notes/tests add -f -F ../n main^{tree}) &&
	refused origin "damaged test record" &&
	test_grep "is not a test record: the record has no" err
'

test_expect_success 'a truncated signature is refused' '
	work cut-signature good && (cd c && orch-hooks test main 2>/dev/null &&
	 git notes --ref=refs/notes/tests show main | sed "s/^\(Signature: .\{40\}\).*/\1/" >../n &&
	 git notes --ref=refs/notes/tests add -f -F ../n main &&
	 git notes --ref=refs/notes/tests add -f -F ../n main^{tree}) &&
	refused origin "untrusted test record"
'

test_expect_success 'a note stuffed with forged PASS records is refused after a few signature checks' '
	work stuffed good && (cd c && orch-hooks test main 2>/dev/null &&
	 git notes --ref=refs/notes/tests show main >../good-record &&
	 sed "s/^Runner: .*/Runner: forged/" ../good-record >../forged &&
	 for i in 1 2 3 4 5 6 7 8 9; do cat ../forged && echo || exit 1; done >../n &&
	 cat ../good-record >>../n &&
	 git notes --ref=refs/notes/tests add -f -F ../n main &&
	 git notes --ref=refs/notes/tests add -f -F ../forged main^{tree}) &&
	refused origin "untrusted test record" &&
	test_grep "more than 8 signed PASS records for this tree and none verified" err
'

test_expect_success 'a PASS of another command than the server'"'"'s [test] command is refused' '
	policy_in_test "test_signers = test_signers
[test]
command = sh check.sh --all
" &&
	tested_work other-command &&
	refused origin "test record of another command" &&
	test_grep "the PASS is of .sh check.sh., and the server.s \[test\] command is .sh check.sh --all." err
'

test_expect_success 'a missing test_signers file refuses every push to the branch' '
	policy_in_test "test_signers = no-such-file
" &&
	tested_work missing-signers &&
	refused origin "\[server\] require_tests is on, but the \[server\] test_signers file cannot be read" &&
	test_grep "no-such-file.: No such file" err
'

test_expect_success 'require_tests without test_signers refuses too' '
	policy_in_test "" &&
	tested_work no-signers &&
	refused origin "\[server\] require_tests is on, but \[server\] test_signers is not set"
'

test_expect_success 'records only grow: a tests ref that drops the server'"'"'s records is refused' '
	git -C c update-ref -d refs/notes/tests && tested_work fresh &&
	srv_refs_of srv.git before &&
	(cd c && test_must_fail git push -f --atomic origin main +refs/notes/tests 2>../err) &&
	srv_refs_of srv.git after && test_cmp before after &&
	test_grep "do not contain the server.s .*records only grow" err &&
	(cd c && test_must_fail git push origin :refs/notes/tests 2>../err) &&
	test_grep "deleting the test records is refused" err &&
	(cd c && git fetch -q origin && git reset -q --hard origin/main &&
	 git update-ref refs/notes/tests "$(git -C ../srv.git rev-parse refs/notes/tests)")
'

test_expect_success 'the record may already be on the server: pushing the branch alone is enough' '
	work two-step good && (cd c && orch-hooks test main 2>/dev/null &&
	 git push -q origin refs/notes/tests && git push origin main 2>../err) &&
	test_grep "carries a PASS" err
'

test_expect_success 'an unreachable remote: the push fails clearly and nothing lands' '
	tested_work unreachable &&
	srv_refs_of srv.git before &&
	(cd c && test_must_fail git push "git://127.0.0.1:9/srv.git" main refs/notes/tests 2>../err) &&
	test_grep "unable to connect\|Connection refused" err &&
	srv_refs_of srv.git after && test_cmp before after
'

test_expect_success 'git daemon on 127.0.0.1: a signed PASS is accepted, a tip without one refused' '
	start_daemon "$TRASH" srv.git &&
	url="$daemon_url_base/srv.git" &&
	accepted "$url" &&
	work daemon-none good &&
	refused "$url" "no test record" &&
	work daemon-fail bad && (cd c && test_must_fail orch-hooks test main 2>/dev/null) &&
	refused "$url" "tests FAILED"
'

test_done
