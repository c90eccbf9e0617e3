#!/bin/sh
test_description='land --ci: CI tests the merge candidates on the remote; land pushes the longest passing prefix, or nothing'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

WAIT=${ORCH_CI_WAIT_SECONDS:-120}

srv_refs() {
	git -C "$TRASH/srv.git" for-each-ref --format='%(objectname) %(refname)' >"$1"
}

# wait_candidates N: until the server holds N candidate refs (bounded; not a timing assertion).
wait_candidates() {
	i=0
	until [ "$(git -C "$TRASH/srv.git" for-each-ref refs/orch/candidates | wc -l)" -eq "$1" ]; do
		sleep 0.2; i=$((i + 1))
		[ $i -lt $((WAIT * 5)) ] || { echo "no $1 candidates on the server" >&2; return 1; }
	done
}

# ci [MANGLE]: what a CI runner does for every candidate on the server: test it, sign, push the
# records. MANGLE (a sed script) damages the records before the push (bad input).
ci() {
	(cd "$TRASH/runner" &&
	 git fetch -q --prune origin "+refs/orch/candidates/*:refs/remotes/cand/*" &&
	 { git fetch -q origin +refs/notes/tests:refs/notes/tests 2>/dev/null || :; } &&
	 for c in $(git for-each-ref --format="%(objectname)" refs/remotes/cand); do
		ORCH_HOOKS_CONFIG="$TRASH/runner.ini" ORCH_HOOKS_RUNNER=fake-ci orch-hooks test "$c" 2>/dev/null
		test $? -le 1 || exit 1
		if [ -n "$1" ]; then
			git notes --ref=refs/notes/tests show "$c" | sed "$1" >../mangled &&
			git notes --ref=refs/notes/tests add -f -F ../mangled "$c" 2>/dev/null &&
			git notes --ref=refs/notes/tests add -f -F ../mangled "$c^{tree}" 2>/dev/null || exit 1
		fi
	 done &&
	 git push -q origin refs/notes/tests)
}

# land_bg ARGS...: orch-hooks land in the clone, in the background; land_wait: its exit status into ./status.
land_bg() {
	(cd "$TRASH/c" && exec orch-hooks land "$@" >../out 2>../err) &
	land_pid=$!
	test_when_finished "stop_land"
}
# stop_land: a land left running by a failed test is interrupted (it deletes its candidates).
stop_land() {
	kill -TERM $land_pid 2>/dev/null
	wait $land_pid 2>/dev/null
	:
}
land_wait() {
	wait $land_pid
	echo $? >"$TRASH/status"
}

# nothing_landed: main is where it was, and no candidate ref is left on the server.
nothing_landed() {
	git -C srv.git rev-parse main >actual && test_cmp main.before actual &&
	git -C srv.git for-each-ref refs/orch/candidates >left && test_must_be_empty left
}

test_expect_success 'setup: a gated server, a CI key, four reviewed branches (one breaks the tests)' '
	ssh-keygen -q -t ed25519 -N "" -C ci -f ci &&
	echo "ci-runner $(cat ci.pub)" >signers &&
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	cp signers srv.git/test_signers &&
	git init -q c &&
	printf "[branches]\nprotected = main\n[server]\ntest_signers = %s\n[ci]\ntimeout = 2m\n" "$TRASH/signers" \
		>c/.git/orch-hooks.ini &&
	printf "[test]\ncommand = sh check.sh\ntimeout = 60s\nsigning_key = %s\n" "$TRASH/ci" >runner.ini &&
	(cd c && git remote add origin "file://$TRASH/srv.git" &&
	 printf "grep -q good state\n" >check.sh && echo good >state && git add check.sh state &&
	 test_commit initial && git push -q origin main &&
	 for b in a b e; do git checkout -q -b $b main && test_commit $b || exit 1; done &&
	 git checkout -q -b breaks main && echo bad >state && git add state && test_commit breaks &&
	 git checkout -q main &&
	 for b in a b breaks e; do orch-hooks verdict set PASS $b 2>/dev/null || exit 1; done &&
	 git push -q origin refs/notes/verdicts a b breaks e) &&
	git clone -q "file://$TRASH/srv.git" runner &&
	printf "[branches]\nprotected = main\n[server]\nrequire_tests = true\ntest_signers = test_signers\n" \
		>srv.git/orch-hooks.ini &&
	git -C srv.git rev-parse main >main.before
'

test_expect_success 'missing signer file: refused before anything is pushed' '
	sed "s|test_signers = .*|test_signers = $TRASH/no-such-signers|" c/.git/orch-hooks.ini >p &&
	cp c/.git/orch-hooks.ini good.ini && cp p c/.git/orch-hooks.ini &&
	test_when_finished "cp good.ini c/.git/orch-hooks.ini" &&
	(cd c && orch-hooks land --ci origin a 2>../err; echo $? >../status) &&
	test "$(cat status)" = 128 &&
	test_grep "the \[server\] test_signers file .*no-such-signers. cannot be read" err &&
	test_grep "nothing was pushed, nothing landed" err &&
	nothing_landed
'

test_expect_success 'an unreachable remote: a clear message, nothing lands' '
	(cd c && orch-hooks land --ci git://127.0.0.1:9/srv.git --json a >../out 2>../err;
	 echo $? >../status) &&
	test "$(cat status)" = 128 &&
	test_grep "cannot fetch .main. from .git://127.0.0.1:9/srv.git." err &&
	test_grep "\"result\": \"fatal\"" out &&
	nothing_landed
'

test_expect_success 'a candidate that never gets a result: timeout, nothing lands, candidates deleted' '
	(cd c && orch-hooks land --ci origin --ci-timeout=3s --json a b 2>../err >../out;
	 echo $? >../status) &&
	test "$(cat status)" = 5 &&
	test_grep "waiting for CI: 0 of 2 candidates have a test record" err &&
	test_grep "no CI test record for candidate 1 (commit [0-9a-f]*, tree [0-9a-f]*, .a. merged) on .origin. after 3s" err &&
	test_grep "after 3s; the last fetch of the records said: the remote has no test records yet" err &&
	test_grep "\"result\": \"ci-timeout\"" out && test_grep "\"exit_status\": 5" out &&
	nothing_landed
'

test_expect_success 'Ctrl-C while CI tests: candidates deleted, nothing lands, 130' '
	land_bg --ci origin a &&
	wait_candidates 1 &&
	kill -INT $land_pid && land_wait &&
	test "$(cat status)" = 130 &&
	test_grep "candidate refs are deleted, nothing landed" err &&
	nothing_landed
'

# ci_refused BRANCH MANGLE WHY: CI damages the record of BRANCH's candidate; land refuses it (exit 1) saying WHY.
ci_refused() {
	land_bg --ci origin "$1" &&
	wait_candidates 1 && ci "$2" && land_wait &&
	test "$(cat status)" = 1 &&
	test_grep "did not land: CI: $3 on candidate 1" err &&
	nothing_landed
}

test_expect_success 'a CI record with a broken signature (FAIL turned PASS): refused, nothing lands' '
	ci_refused breaks "s/^Tests: FAIL/Tests: PASS/" "untrusted test record" &&
	test_grep "bad signature" err
'

test_expect_success 'a truncated CI note: refused as damaged, nothing lands' '
	git -C c update-ref -d refs/notes/tests &&
	(cd c && git checkout -q -b trunc main && test_commit trunc && orch-hooks verdict set PASS trunc 2>/dev/null &&
	 git checkout -q main && git push -q origin refs/notes/verdicts trunc) &&
	ci_refused trunc "/^Command:/,\$d" "damaged test record"
'

test_expect_success 'three branches, the third breaks: CI passes two, land pushes those two with the records' '
	land_bg --ci origin --json a b breaks &&
	wait_candidates 3 && ci && land_wait &&
	test "$(cat status)" = 1 &&
	test_grep "CI passed 2 of 3 candidates" err &&
	test_grep ".breaks. did not land: CI: tests FAILED on candidate 3" err &&
	test_grep "\"result\": \"tests-failed\"" out && test_grep "\"stopped_at\": \"breaks\"" out &&
	test_grep "\"branch\": \"a\", .*\"tests\": \"PASS\", \"result\": \"landed\"" out &&
	test_grep "\"branch\": \"breaks\", .*\"tests\": \"FAIL\", \"result\": \"broke-tests\"" out &&
	git -C srv.git rev-list --first-parent --count "$(cat main.before)..main" >count &&
	test "$(cat count)" = 2 &&
	git -C srv.git log -1 --format=%s main >subject &&
	test_grep "Merge branch .b. into main (orch-hooks land 2/3)" subject &&
	git -C srv.git merge-base --is-ancestor "$(git -C c rev-parse b)" main &&
	test_must_fail git -C srv.git merge-base --is-ancestor "$(git -C c rev-parse breaks)" main &&
	git -C srv.git for-each-ref refs/orch/candidates >left && test_must_be_empty left &&
	git -C c rev-parse refs/notes/tests >expect && git -C srv.git rev-parse refs/notes/tests >actual &&
	test_cmp expect actual &&
	git -C srv.git rev-parse main >main.before
'

test_expect_success 'a queue whose candidates all pass lands whole, exit 0' '
	land_bg --ci origin e &&
	wait_candidates 1 && ci && land_wait &&
	test "$(cat status)" = 0 &&
	git -C srv.git merge-base --is-ancestor "$(git -C c rev-parse e)" main &&
	git -C srv.git for-each-ref refs/orch/candidates >left && test_must_be_empty left &&
	git -C srv.git rev-parse main >main.before
'

test_expect_success 'a branch without a verdict stops the queue before CI is asked (exit 2)' '
	(cd c && git checkout -q -b unreviewed main && test_commit unreviewed && git checkout -q main &&
	 orch-hooks land --ci origin unreviewed 2>../err; echo $? >../status) &&
	test "$(cat status)" = 2 &&
	test_grep "did not land" err &&
	nothing_landed
'

test_expect_success '--ci refuses --review, a bad --ci-timeout, an option for a remote, an unknown branch' '
	(cd c && test_must_fail orch-hooks land --ci origin --review a 2>../err) &&
	test_grep "\-\-ci goes with" err &&
	(cd c && test_must_fail orch-hooks land --ci-timeout=3s a 2>../err) &&
	(cd c && test_must_fail orch-hooks land --ci origin --ci-timeout=soon a 2>../err) &&
	test_grep "not a duration" err &&
	(cd c && test_must_fail orch-hooks land --ci=--upload-pack=touch a 2>../err) &&
	test_grep "is not a remote" err &&
	(cd c && orch-hooks land --ci origin no-such-branch 2>../err; echo $? >../status) &&
	test "$(cat status)" = 128 && test_grep "no branch .no-such-branch. here" err &&
	nothing_landed
'

test_done
