#!/bin/sh
test_description='a real Buildbot (master, two workers on 127.0.0.1) tests the candidates of land --ci and signs their records; the server lands only what passed'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

if ! command -v buildbot >/dev/null 2>&1 || ! command -v buildbot-worker >/dev/null 2>&1; then
	test_skip 'Buildbot end to end' 'buildbot and buildbot-worker are not installed (scripts/deps.sh installs them)'
	test_done
fi

# Buildbot on a busy machine can take minutes to start testing: a bound, not a timing assertion.
WAIT_SECONDS=${ORCH_CI_WAIT_SECONDS:-400}

# Everything started here is stopped here, whatever happens to the tests.
pid_of() {
	test -s "$TRASH/$1/twistd.pid" && cat "$TRASH/$1/twistd.pid"
}
stop_buildbot() {
	for d in w1 w2 master; do
		pid=$(pid_of $d) || continue
		kill "$pid" 2>/dev/null
	done
	for d in w1 w2 master; do
		pid=$(pid_of $d) || continue
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$pid" 2>/dev/null
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		rm -f "$TRASH/$d/twistd.pid"
	done
	return 0
}
trap stop_buildbot EXIT

some_port() {
	port=$(( 20000 + ($$ * 13 + ${1:-0} * 7919) % 30000 ))
	while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do port=$((port + 1)); done
	echo "$port"
}

# merge_into BASE BRANCH: a merge commit of BRANCH into BASE (no work tree needed).
merge_into() {
	tree=$(git -C c merge-tree --write-tree "$1" "$2") &&
	git -C c commit-tree -p "$1" -p "$2" -m "Merge branch '$2'" "$tree"
}

test_expect_success 'setup: a gated server, a CI key, three reviewed branches (the third breaks)' '
	ssh-keygen -q -t ed25519 -N "" -C ci -f ci &&
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	git init -q c &&
	(cd c && git remote add origin "file://$TRASH/srv.git" &&
	 printf "grep -q good state\n" >check.sh && echo good >state && git add check.sh state &&
	 test_commit initial && git push -q origin main &&
	 for b in a b; do git checkout -q -b $b main && test_commit $b; done &&
	 git checkout -q -b breaks main && echo bad >state && git add state && test_commit breaks &&
	 git checkout -q -b d main && test_commit d && git checkout -q main &&
	 for b in a b breaks d; do orch-hooks verdict set PASS $b 2>/dev/null || exit 1; done &&
	 git push -q origin refs/notes/verdicts a b breaks d) &&
	echo "ci-runner $(cat ci.pub)" >srv.git/test_signers &&
	printf "[branches]\nprotected = main\n[server]\nrequire_tests = true\ntest_signers = test_signers\n" \
		>srv.git/orch-hooks.ini &&
	printf "[test]\ncommand = sh check.sh\ntimeout = 60s\nsigning_key = %s\n" "$TRASH/ci" >runner.ini &&
	echo "ci-runner $(cat ci.pub)" >lander-signers &&
	printf "[branches]\nprotected = main\n[server]\ntest_signers = %s\n" "$TRASH/lander-signers" \
		>c/.git/orch-hooks.ini &&
	git -C srv.git rev-parse main >main.before
'

test_expect_success 'the doc shows the master.cfg this test runs' '
	sed -n "/^# -\*- python -\*-$/,/^c\[.collapseRequests.\] = False$/p" "$ORCH_HOOKS_SRC/doc/ci.md" >shown &&
	test_cmp "$ORCH_HOOKS_SRC/doc/buildbot-master.cfg" shown
'

test_expect_success 'Buildbot: a master and two workers start on 127.0.0.1' '
	buildbot create-master -q master &&
	cp "$ORCH_HOOKS_SRC/doc/buildbot-master.cfg" master/master.cfg &&
	port=$(some_port) &&
	export ORCH_CI_REPO="file://$TRASH/srv.git" ORCH_CI_PB_PORT=$port ORCH_CI_WORKERS="w1:secret1 w2:secret2" &&
	export ORCH_HOOKS_CONFIG="$TRASH/runner.ini" &&
	buildbot-worker create-worker -q w1 "127.0.0.1:$port" w1 secret1 &&
	buildbot-worker create-worker -q w2 "127.0.0.1:$port" w2 secret2 &&
	{ buildbot-worker start w1 >w1.out 2>&1 & } && { buildbot-worker start w2 >w2.out 2>&1 & } &&
	buildbot start --start_timeout=120 master >start.out 2>&1 && wait &&
	kill -0 $(pid_of master) && kill -0 $(pid_of w1) && kill -0 $(pid_of w2) &&
	echo $port >pb.port
'

test_expect_success 'land --ci of three branches (the third breaks): Buildbot tests them, the two good ones land' '
	(cd c && orch-hooks land --ci origin --ci-timeout=${WAIT_SECONDS}s --json a b breaks >../out 2>../err;
	 echo $? >../status) &&
	{ test "$(cat status)" = 1 || { tail -n 40 master/twistd.log >&2; cat err >&2; false; }; } &&
	test_grep "pushing 3 merge candidates to .origin." err &&
	test_grep "CI passed 2 of 3 candidates" err &&
	test_grep ".breaks. did not land: CI: tests FAILED on candidate 3" err &&
	test_grep "\"result\": \"tests-failed\"" out &&
	git -C srv.git rev-list --first-parent "$(cat main.before)..main" >landed &&
	test "$(wc -l <landed)" -eq 2 &&
	git -C srv.git log -1 --format=%s main >subject &&
	test_grep "Merge branch .b. into main (orch-hooks land 2/3)" subject &&
	test_must_fail git -C srv.git merge-base --is-ancestor "$(git -C c rev-parse breaks)" main &&
	git -C srv.git for-each-ref refs/orch/candidates >left && test_must_be_empty left
'

test_expect_success 'the records on the server are Buildbot'"'"'s, signed, for exactly the landed trees' '
	for m in $(cat landed); do
		git -C srv.git notes --ref=refs/notes/tests show $m >n &&
		test_grep "^Tests: PASS$" n && test_grep "^Tree: $(git -C srv.git rev-parse $m^{tree})$" n &&
		test_grep "^Runner: buildbot worker w[12]$" n && test_grep "^Signature: " n || return 1
	done
'

test_expect_success 'a reviewed merge that CI never saw is refused: no CI record' '
	git -C srv.git rev-parse main >expect &&
	(cd c && git fetch -q origin) &&
	m=$(merge_into origin/main d) &&
	(cd c && test_must_fail git push origin "$m:refs/heads/main" 2>../err) &&
	test_grep "refused: no test record on its new tip $m" err &&
	git -C srv.git rev-parse main >actual && test_cmp expect actual
'

test_expect_success 'everything started is stopped' '
	pids="$(pid_of master) $(pid_of w1) $(pid_of w2)" &&
	stop_buildbot &&
	for p in $pids; do test_must_fail kill -0 $p 2>/dev/null || return 1; done
'

test_done
