#!/bin/sh
test_description='orch-hooks push: branch and verdicts in one atomic push, redone merges, retries under load'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"

SRV="$TRASH/srv.git"


# clone NAME: a clone of the server with the gate, on main.
clone() {
	git clone -q "$1" "$2" 2>/dev/null &&
	(cd "$2" && orch-hooks install >/dev/null 2>&1)
}

# reviewed_merge BRANCH: BRANCH off main with one commit, a PASS, merged into main.
reviewed_merge() {
	git checkout -q -b "$1" main &&
	test_commit "$1" "$1.t" &&
	git checkout -q main &&
	orch-hooks verdict set PASS "$1" -m "looked at $1" 2>/dev/null &&
	git merge -q --no-ff -m "Merge branch '$1'" "$1"
}

test_expect_success 'setup: a gated server and two clones' '
	git init -q --bare "$SRV" &&
	orch-hooks install --server "$SRV" 2>/dev/null &&
	git init -q seed && (cd seed && test_commit initial && git push -q "$SRV" main 2>/dev/null) &&
	clone "$SRV" a && clone "$SRV" b
'

test_expect_success 'push sends a reviewed merge and its verdict in one push' '
	(cd a && reviewed_merge fa && orch-hooks push 2>../err) &&
	test_grep "pushed main and refs/notes/verdicts to .origin." err &&
	git -C a rev-parse main refs/notes/verdicts >expect &&
	git -C "$SRV" rev-parse main refs/notes/verdicts >actual &&
	test_cmp expect actual
'

test_expect_success 'a teammate pushed verdicts meanwhile: push merges them and lands' '
	(cd b && git pull -q --ff-only 2>/dev/null && git checkout -q -b fb-side main &&
	 test_commit fb-side && orch-hooks verdict set PASS fb-side 2>/dev/null && git checkout -q main &&
	 orch-hooks sync 2>/dev/null) &&
	(cd a && git checkout -q -b fc main && test_commit fc && git checkout -q main &&
	 orch-hooks verdict set PASS fc 2>/dev/null &&
	 git merge -q --no-ff -m "Merge branch fc" fc &&
	 test_must_fail git push --atomic origin main refs/notes/verdicts 2>../err-plain &&
	 orch-hooks push 2>../err) &&
	test_grep "fetch first\|non-fast-forward\|rejected" err-plain &&
	test_grep "pushed main" err &&
	git -C "$SRV" notes --ref=verdicts show "$(git -C b rev-parse fb-side)" >note &&
	test_grep "Verdict: PASS" note &&
	git -C "$SRV" rev-parse main >srv && git -C a rev-parse main >cli && test_cmp cli srv
'

test_expect_success 'main moved on the server: push redoes the merge on top, through the gates' '
	(cd b && git fetch -q && git reset -q --hard origin/main && reviewed_merge fd &&
	 orch-hooks push 2>/dev/null) &&
	(cd a && reviewed_merge fe && old_first=$(git rev-parse main^1) &&
	 orch-hooks push 2>../err &&
	 test "$(git rev-parse main^1)" = "$(git -C "$SRV" rev-parse main^1)" &&
	 test "$(git rev-parse main^2)" = "$(git rev-parse fe)" &&
	 test "$(git rev-parse main^1)" != "$old_first") &&
	test_grep "made the merges again on top of" err &&
	test_grep "main.*moved on .origin." err &&
	git -C "$SRV" rev-parse main^1 >first && git -C b rev-parse main >theirs && test_cmp theirs first &&
	git -C "$SRV" log --first-parent --format=%s -2 main >subjects &&
	printf "%s\n" "Merge branch '\''fe'\''" "Merge branch '\''fd'\''" >expect && test_cmp expect subjects
'

test_expect_success 'the redone merge runs the test gate: a merge that breaks the new main is not pushed' '
	(cd b && git fetch -q && git reset -q --hard origin/main && reviewed_merge fg &&
	 orch-hooks push 2>/dev/null) &&
	(cd a && printf "[branches]\nprotected = main\n[test]\ncommand = test ! -f fg.t || test ! -f fh.t\n" >.git/orch-hooks.ini &&
	 reviewed_merge fh && before=$(git rev-parse main) &&
	 test_must_fail orch-hooks push 2>../err &&
	 test "$(git rev-parse main)" = "$before" &&
	 rm .git/orch-hooks.ini && orch-hooks install >/dev/null 2>&1 && git reset -q --hard origin/main) &&
	test_grep "TESTS FAILED" err &&
	test_grep "nothing was pushed" err &&
	test_must_fail git -C "$SRV" rev-parse --verify -q "$(git -C a rev-parse fh)^{commit}"
'

test_expect_success 'a conflict while redoing: exit 3, the branch is back where it was' '
	(cd b && git fetch -q && git reset -q --hard origin/main && git checkout -q -b fi main &&
	 test_commit fi same.t one && git checkout -q main && orch-hooks verdict set PASS fi 2>/dev/null &&
	 git merge -q --no-ff -m "Merge fi" fi && orch-hooks push 2>/dev/null) &&
	(cd a && git checkout -q -b fj main && test_commit fj same.t two && git checkout -q main &&
	 orch-hooks verdict set PASS fj 2>/dev/null && git merge -q --no-ff -m "Merge fj" fj &&
	 before=$(git rev-parse main) &&
	 { orch-hooks push 2>../err; echo $? >../rc; } &&
	 test "$(git rev-parse main)" = "$before" && git diff --quiet HEAD && git reset -q --hard origin/main) &&
	echo 3 >expect && test_cmp expect rc &&
	test_grep "CONFLICT" err
'

test_expect_success 'git pull reverses the merge: the server refuses it and names the remedy' '
	(cd b && git fetch -q && git reset -q --hard origin/main && reviewed_merge fk &&
	 orch-hooks push 2>/dev/null) &&
	(cd a && git fetch -q && git reset -q --hard origin/main~0 && git reset -q --hard HEAD^ &&
	 reviewed_merge fl &&
	 git pull -q --no-rebase --no-ff origin main 2>/dev/null &&
	 test "$(git rev-parse main^2)" = "$(git rev-parse origin/main)" &&
	 orch-hooks sync 2>/dev/null &&
	 test_must_fail git push origin main 2>../err) &&
	test_grep "the merge is the wrong way round" err &&
	test_grep "orch-hooks push" err &&
	(cd a && git reset -q --hard HEAD^1 && orch-hooks push 2>../err2 &&
	 test "$(git rev-parse main^2)" = "$(git rev-parse fl)") &&
	test_grep "made the merges again" err2
'

test_expect_success 'a refusal that is not a race is not retried' '
	(cd a && git fetch -q && git reset -q --hard origin/main && git checkout -q -b fm main &&
	 test_commit fm && git checkout -q main &&
	 ORCH_HOOKS_SKIP="testing the server" git merge -q --no-ff -m "Merge fm" fm 2>/dev/null &&
	 git rev-parse main >../unreviewed-tip) &&
	(cd a && test_must_fail orch-hooks push 2>../err) &&
	test_grep "refused the push" err &&
	test_grep ! "trying again" err &&
	(cd a && git reset -q --hard origin/main)
'

# ---- ten clients at once over git daemon ---------------------------------
CLIENTS=${ORCH_TEST_PUSH_CLIENTS:-10}

test_expect_success "git daemon on 127.0.0.1 and $CLIENTS clients, each with a reviewed merge" '
	start_daemon "$TRASH" srv.git &&
	echo "$port" >port &&
	i=0 && while [ $i -lt $CLIENTS ]; do
		clone "git://127.0.0.1:$port/srv.git" "c$i" &&
		(cd "c$i" && reviewed_merge "load-$i") || exit 1
		i=$((i + 1))
	done
'

test_expect_success "$CLIENTS clients push at once: every merge and every verdict lands" '
	i=0 && while [ $i -lt $CLIENTS ]; do
		(cd "c$i" && orch-hooks push >../push-$i.out 2>&1; echo $? >../push-$i.rc) &
		i=$((i + 1))
	done &&
	wait &&
	i=0 && while [ $i -lt $CLIENTS ]; do
		echo 0 >expect && test_cmp expect push-$i.rc || { cat push-$i.out; exit 1; }
		tip=$(git -C "c$i" rev-parse "load-$i") &&
		git -C "$SRV" merge-base --is-ancestor "$tip" main &&
		git -C "$SRV" notes --ref=verdicts show "$tip" >note &&
		test_grep "Verdict: PASS" note || exit 1
		i=$((i + 1))
	done &&
	git -C "$SRV" log --first-parent --merges --format=%s main >merges &&
	test "$(grep -c "Merge branch .load-" merges)" = "$CLIENTS" &&
	cat push-*.out | grep -c "trying again\|made the merges again" >retries || :
	say "retries and redone merges: $(cat retries)"
'

test_expect_success 'the daemon stops' '
	stop_servers && test_must_fail test -f daemon.pid
'

test_done
