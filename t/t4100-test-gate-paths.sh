#!/bin/sh
test_description='the test gate holds on every path that lands on a protected branch'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# set_policy REPO COMMAND [ON_FAILURE]: protect main (and wtmain), test with COMMAND.
set_policy() {
	printf '[branches]\nprotected = main wtmain\n[test]\ncommand = %s\non_failure = %s\ntimeout = 1m\n' \
		"$2" "${3:-undo}" >"$TRASH/$1/.git/orch-hooks.ini"
}

reviewed() {
	branch_with_commit "$1" "$2" &&
	orch-hooks verdict set PASS "$1" 2>/dev/null
}

test_expect_success 'setup' '
	new_repo r
'

test_expect_success 'an unreviewed fast-forward is undone: it ran no merge gate' '
	set_policy r "echo ran >\"$TRASH/ran\"" &&
	(cd r && branch_with_commit ff1 ff1.t &&
	 git rev-parse HEAD >../before &&
	 git merge ff1 2>../err &&
	 git rev-parse HEAD >../after && git status --porcelain >../status) &&
	test_cmp before after &&
	test_must_fail test -s status &&
	! test -e ran &&
	test_grep "MERGE REFUSED: the fast-forward of .main. to .ff1. (.*): a fast-forward runs no merge gate, and .ff1. (.*) has no verdict" err &&
	test_grep "review it first (orch-hooks review ff1)" err &&
	test_grep "the merge was UNDONE: .main. is back at" err &&
	tail -n 2 err >last &&
	test_grep "^orch-hooks: MERGE REFUSED: the fast-forward of .main. to .ff1. (.*) was UNDONE$" last
'

test_expect_success 'git merge --ff-only of an unreviewed branch is undone too' '
	merge_undone git merge --ff-only ff1 &&
	test_grep "MERGE REFUSED: the fast-forward of .main. to .ff1." err
'

test_expect_success 'a reviewed fast-forward lands and is tested' '
	set_policy r "echo ff-tested; env >\"$TRASH/env.out\"" &&
	(cd r && orch-hooks verdict set PASS ff1 2>/dev/null &&
	 git merge ff1 2>../err &&
	 git rev-parse HEAD >../after &&
	 git notes --ref=refs/notes/tests show HEAD >../note) &&
	git -C r rev-parse ff1 >expect && test_cmp expect after &&
	test_grep "tests PASSED for the fast-forward of .main. to .ff1." err &&
	test_grep "^ORCH_FAST_FORWARD=1$" env.out &&
	test_grep "^ORCH_MERGED=$(cat after)$" env.out &&
	test_grep "^Tests: PASS$" note
'

test_expect_success 'a reviewed fast-forward that fails its tests is undone' '
	set_policy r "exit 1" &&
	(cd r && reviewed ff2 ff2.t) &&
	merge_undone git merge ff2 &&
	test_grep "TESTS FAILED after the fast-forward of .main. to .ff2." err
'

test_expect_success 'a fast-forward onto an existing merge commit is still a fast-forward' '
	set_policy r "true" &&
	(cd r && branch_with_commit y y.t && git checkout -q -b x main &&
	 git merge -q --no-ff -m "merge y into x" y && git checkout -q main) &&
	merge_undone git merge x &&
	test_grep "MERGE REFUSED: the fast-forward of .main. to .x. (.*): a fast-forward runs no merge gate, and .x. (.*) has no verdict" err
'

test_expect_success 'a fast-forward to what origin already has on the branch is an update, not a landing' '
	git clone -q r clone && (cd clone && orch-hooks install >/dev/null 2>&1) &&
	set_policy clone "echo ran >\"$TRASH/ran\"" &&
	(cd r && git checkout -q --detach && git branch -f main ff2 && git checkout -q main) &&
	(cd clone && git pull -q --ff-only 2>../err &&
	 git rev-parse HEAD >../after) &&
	git -C r rev-parse main >expect && test_cmp expect after &&
	! test -e ran &&
	test_grep "fast-forwarded to .*, which .origin/main. already has" err
'

test_expect_success 'a conflicted merge concluded with git commit: undone by post-commit, its resolution unreviewed' '
	rm -f env.out && set_policy r "echo post-commit-ran; env >\"$TRASH/env.out\"; exit 1" &&
	(cd r && git checkout -q -b c1 main && test_commit c1 initial.t "theirs" &&
	 git checkout -q main && test_commit base initial.t "ours" &&
	 orch-hooks verdict set PASS c1 2>/dev/null &&
	 git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m "merge c1" c1 &&
	 echo resolved >initial.t && git add initial.t &&
	 git commit --no-edit 2>../err &&
	 git rev-parse HEAD >../after && cat initial.t >../content) &&
	test_cmp before after &&
	echo ours >expect && test_cmp expect content &&
	test_must_fail test -e env.out &&
	test_grep "carries changes of its own" err &&
	test_grep "UNDONE" err &&
	! test -e r/.git/orch-hooks-merge-pending
'

test_expect_success 'a conflicted merge concluded with git merge --continue, reviewed, lands by fast-forward and is tested' '
	set_policy r "echo continued-ok" &&
	(cd r && test_must_fail git merge --no-ff -m "merge c1" c1 &&
	 echo resolved >initial.t && git add initial.t &&
	 git merge --continue 2>../err &&
	 m=$(cat .git/ORCH_UNREVIEWED_MERGE) && orch-hooks verdict set PASS "$m" 2>/dev/null &&
	 git merge --ff-only "$m" 2>../err &&
	 git rev-parse HEAD^2 >../merged &&
	 git notes --ref=refs/notes/tests show HEAD >../note) &&
	git -C r rev-parse c1 >expect && test_cmp expect merged &&
	test_grep "tests PASSED" err &&
	test_grep "^Tests: PASS$" note
'

test_expect_success 'a conflicted merge concluded with git commit -a is undone too' '
	set_policy r "exit 1" &&
	(cd r && git checkout -q -b c2 main && test_commit c2 initial.t "theirs2" &&
	 git checkout -q main && test_commit base2 initial.t "ours2" &&
	 orch-hooks verdict set PASS c2 2>/dev/null &&
	 git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m "merge c2" c2 &&
	 echo resolved >initial.t &&
	 git commit -a --no-edit 2>../err &&
	 git rev-parse HEAD >../after && git status --porcelain >../status) &&
	test_cmp before after &&
	test_must_fail test -s status &&
	test_grep "carries changes of its own" err &&
	test_grep "UNDONE" err
'

test_expect_success 'git merge --no-commit, then git commit: tested by post-commit' '
	set_policy r "echo \$ORCH_HOOK >\"$TRASH/hook\"" &&
	(cd r && reviewed nc nc.t &&
	 git merge --no-ff --no-commit nc 2>../err &&
	 git commit --no-edit 2>../err &&
	 git rev-parse HEAD^2 >../merged &&
	 git notes --ref=refs/notes/tests show HEAD >../note) &&
	git -C r rev-parse nc >expect && test_cmp expect merged &&
	echo post-commit >expect && test_cmp expect hook &&
	test_grep "tests PASSED for the merge of .nc." err &&
	test_grep "^Tests: PASS$" note
'

test_expect_success 'a clean merge is tested once, by post-merge (post-commit does not run)' '
	set_policy r "echo once >>\"$TRASH/count\"" &&
	(cd r && reviewed once once.t && git merge --no-ff -m "merge once" once 2>../err) &&
	echo once >expect && test_cmp expect count &&
	! test -e r/.git/orch-hooks-merge-pending
'

test_expect_success 'git merge --no-verify still runs the tests' '
	set_policy r "exit 7" &&
	(cd r && reviewed nv nv.t) &&
	merge_undone git merge --no-verify --no-ff -m "merge nv" nv &&
	test_grep "result: exit status 7" err &&
	test_grep "UNDONE" err
'

test_expect_success 'an octopus merge is tested with every head, and undone naming them' '
	set_policy r "env >\"$TRASH/env.out\"; exit 1" &&
	(cd r && reviewed o1 o1.t && reviewed o2 o2.t) &&
	merge_undone git merge --no-ff -m "octopus" o1 o2 &&
	test_grep "^ORCH_MERGED=$(git -C r rev-parse o1) $(git -C r rev-parse o2)$" env.out &&
	test_grep "TESTS FAILED after the merge of .o1. (.*) and .o2. (.*) into .main." err
'

test_expect_success 'git pull that merges is tested, and undone when it fails' '
	set_policy clone "exit 1" &&
	(cd r && reviewed pulled pulled.t) &&
	(cd clone && test_commit local-work &&
	 git fetch -q origin "refs/notes/*:refs/notes/*" &&
	 git rev-parse HEAD >../before &&
	 git pull --no-rebase --no-edit origin pulled 2>../err &&
	 git rev-parse HEAD >../after) &&
	test_cmp before after &&
	test_grep "TESTS FAILED after the merge of commit $(git -C r rev-parse --short=12 pulled) into .main." err &&
	test_grep "UNDONE" err
'

test_expect_success 'git merge --squash runs no tests and warns that the commit will be refused' '
	set_policy r "echo ran >\"$TRASH/ran\"" &&
	rm -f ran &&
	(cd r && reviewed sq sq.t &&
	 git merge --squash sq 2>../err >/dev/null &&
	 test_must_fail git commit -m squashed 2>../err2 &&
	 git reset -q --merge) &&
	! test -e ran &&
	test_grep "a squash commit there will be refused" err &&
	test_grep "squash commit onto protected branch .main. refused" err2
'

test_expect_success 'ORCH_HOOKS_SKIP skips the tests loudly and leaves a record' '
	set_policy r "exit 1" &&
	(cd r && reviewed skipped skipped.t &&
	 ORCH_HOOKS_SKIP="tests broken upstream" git merge --no-ff -m "merge skipped" skipped 2>../err &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse skipped >expect && test_cmp expect merged &&
	test_grep "GATE SKIPPED: post-merge (the test gate) not enforced" err &&
	test_grep "post-merge (the test gate)	tests broken upstream" r/.git/orch-hooks-skip.log
'

test_expect_success 'a broken policy: a fast-forward is undone (fail closed), and says why' '
	printf "[test]\non_failure = sometimes\n" >r/.git/orch-hooks.ini &&
	(cd r && branch_with_commit broken broken.t) &&
	merge_undone git merge broken &&
	test_grep "orch-hooks.ini:2" err &&
	test_grep "MERGE REFUSED: the fast-forward of .main. to .broken. (.*): the test gate cannot decide" err &&
	test_grep "UNDONE" err
'

test_expect_success 'a repository libgit2 cannot open: git takes the fast-forward back and keeps local changes' '
	set_policy r true &&
	(cd r && branch_with_commit unopened unopened.t) &&
	echo mine >r/local.t &&
	test_when_finished "git -C r config --unset extensions.preciousObjects; git -C r config core.repositoryformatversion 0; rm -f r/local.t" &&
	git -C r config core.repositoryformatversion 1 &&
	git -C r config extensions.preciousObjects true &&
	merge_undone git merge unopened &&
	test_grep "the test gate cannot decide" err &&
	test_grep "MERGE REFUSED: the test gate could not judge it, so git took it back: .refs/heads/main. is back at" err &&
	echo mine >expect && test_cmp expect r/local.t &&
	! test -e r/unopened.t
'

test_expect_success 'ordinary commits: post-commit does not even read the policy' '
	printf "[nonsense\n" >r/.git/orch-hooks.ini &&
	(cd r && test_commit ordinary 2>../err) &&
	test_grep ! "orch-hooks" err
'

test_expect_success 'the gate works in a linked worktree, and tests never see its GIT_DIR' '
	set_policy r "env >\"$TRASH/env.out\"; mkdir -p \"$TRASH/scratch\" && cd \"$TRASH/scratch\" && git init -q && git rev-parse --absolute-git-dir >\"$TRASH/scratch.out\"; exit 1" &&
	(cd r && git branch wtmain main && git worktree add -q ../wt wtmain) &&
	(cd wt && git checkout -q -b wtfeat && test_commit wtf && git checkout -q wtmain &&
	 orch-hooks verdict set PASS wtfeat 2>/dev/null &&
	 git rev-parse HEAD >../before &&
	 git merge --no-ff -m "merge wtfeat" wtfeat 2>../err &&
	 git rev-parse HEAD >../after && git status --porcelain >../status) &&
	test_cmp before after &&
	test_must_fail test -s status &&
	test_grep "TESTS FAILED after the merge of .wtfeat. (.*) into .wtmain." err &&
	test_grep ! "^GIT_DIR=" env.out && test_grep ! "^GIT_INDEX_FILE=" env.out &&
	echo "$TRASH/scratch/.git" >expect && test_cmp expect scratch.out &&
	test_grep "^ORCH_TARGET=wtmain$" env.out
'

test_expect_success 'a second gate waits for a live one, then refuses clearly' '
	set_policy r "echo ran >\"$TRASH/ran2\"" &&
	lock=r/.git/orch-hooks-gate.lock &&
	printf "pid 4242\nphase testing\nbranch main\nmerge abc\norig def\n" >$lock &&
	rm -f ready ran2 &&
	{ flock $lock sh -c "touch \"$TRASH/ready\"; sleep 30" & } &&
	holder=$! &&
	test_when_finished "kill $holder 2>/dev/null; true" &&
	while ! test -e ready; do sleep 0.1; done &&
	(cd r && reviewed busy busy.t &&
	 git rev-parse HEAD >../before &&
	 ORCH_HOOKS_LOCK_WAIT_MS=1000 git merge --no-ff -m "merge busy" busy 2>../err &&
	 git rev-parse HEAD >../after) &&
	test_cmp before after &&
	! test -e ran2 &&
	test_grep "waiting for another test gate (pid 4242, testing merge abc of .main.) to finish" err &&
	test_grep "another test gate (pid 4242, testing merge abc of .main.) still holds .*orch-hooks-gate.lock. after 1s" err &&
	test_grep "MERGE REFUSED: the merge of .busy. (.*) into .main.: the merge cannot be tested while another test gate runs" err &&
	test_grep "UNDONE" err
'

test_expect_success 'a second gate that waits long enough goes on when the first one finishes' '
	lock=r/.git/orch-hooks-gate.lock &&
	rm -f ready ran2 &&
	{ flock $lock sh -c "touch \"$TRASH/ready\"; sleep 2" & } &&
	holder=$! &&
	test_when_finished "kill $holder 2>/dev/null; true" &&
	while ! test -e ready; do sleep 0.1; done &&
	(cd r && ORCH_HOOKS_LOCK_WAIT_MS=20000 git merge --no-ff -m "merge busy" busy 2>../err &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse busy >expect && test_cmp expect merged &&
	test_grep "waiting for another test gate" err &&
	test_grep "tests PASSED" err && test -e ran2
'

test_expect_success 'two real gates in two worktrees of one repository: the second waits for the first' '
	set_policy r "sleep 2" &&
	(cd r && reviewed slow1 slow1.t) &&
	(cd wt && git checkout -q -b slow2 wtmain && test_commit slow2 && git checkout -q wtmain &&
	 orch-hooks verdict set PASS slow2 2>/dev/null) &&
	{ (cd r && git merge --no-ff -m "merge slow1" slow1 2>../errA; echo done >../doneA) & } &&
	first=$! &&
	test_when_finished "kill $first 2>/dev/null; true" &&
	i=0 && while ! grep -q "^phase testing" r/.git/orch-hooks-gate.lock && test $i -lt 100; do
		sleep 0.05; i=$((i + 1)); done &&
	(cd wt && git merge --no-ff -m "merge slow2" slow2 2>../errB && git rev-parse HEAD^2 >../mergedB) &&
	wait $first && test -e doneA &&
	git -C r rev-parse main^2 >mergedA &&
	git -C r rev-parse slow1 >expect && test_cmp expect mergedA &&
	git -C r rev-parse slow2 >expect && test_cmp expect mergedB &&
	test_grep "waiting for another test gate (pid [0-9]*, testing merge $(git -C r rev-parse main) of .main.) to finish" errB &&
	test_grep "tests PASSED" errA && test_grep "tests PASSED" errB
'

test_expect_success 'a gate killed while undoing leaves a lock that the next gate takes over, saying how to recover' '
	printf "pid 999999\nphase undoing\nbranch main\nmerge 1111111111111111111111111111111111111111\norig 2222222222222222222222222222222222222222\n" \
		>r/.git/orch-hooks-gate.lock &&
	(cd r && reviewed next next.t && git merge --no-ff -m "merge next" next 2>../err &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse next >expect && test_cmp expect merged &&
	test_grep "an earlier test gate (pid 999999) was killed while undoing merge 1111111111111111111111111111111111111111 of .main." err &&
	test_grep "its journal lets the next gate in that work tree finish the undo; or run there: orch-hooks recover" err &&
	test_grep "tests PASSED" err
'

test_expect_success 'a gate killed while testing is reported by the next one' '
	set_policy r "kill -9 \$PPID; sleep 1" &&
	(cd r && reviewed killed killed.t && git merge --no-ff -m "merge killed" killed 2>../err &&
	 git rev-parse HEAD >../killed-merge) &&
	set_policy r "true" &&
	(cd r && reviewed after-kill ak.t && git merge --no-ff -m "merge after-kill" after-kill 2>../err2) &&
	test_grep "an earlier test gate (pid [0-9]*) was killed while testing merge $(cat killed-merge) into .main.: that merge was never tested" err2 &&
	test_grep "git reset --keep $(git -C r rev-parse HEAD^^)" err2
'

test_expect_success 'Ctrl-C during the tests stops them, and the merge is undone' '
	set_policy r "kill -INT \$PPID; sleep 30" &&
	(cd r && reviewed intr intr.t) &&
	merge_undone git merge --no-ff -m "merge intr" intr &&
	test "$(cat took)" -lt 10 &&
	test_grep "result: interrupted" err &&
	test_grep "UNDONE" err
'

test_done
