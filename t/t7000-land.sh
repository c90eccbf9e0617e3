#!/bin/sh
test_description='orch-hooks land: reviewed branches merged one at a time'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'setup' '
	new_repo r &&
	(cd r && for b in b1 b2 b3; do branch_with_commit $b $b.txt || exit 1; done &&
	 orch-hooks verdict set PASS b1 && orch-hooks verdict set PASS b2 &&
	 orch-hooks verdict set PASS b3) 2>/dev/null
'

test_expect_success 'land merges in the order given, each with --no-ff' '
	(cd r && git branch start main &&
	 orch-hooks land b2 b1 b3 >../out 2>../err &&
	 git log --first-parent --format=%s main >../log) &&
	test_grep "^Merge branch .b3. into main (orch-hooks land 3/3)$" log &&
	sed -n 1p log >first && test_grep "b3" first &&
	sed -n 3p log >third && test_grep "b2" third &&
	test_grep "\[1/3\] landing .b2. onto .main." err &&
	test_grep "all 3 branches landed on .main." err &&
	test_grep "^b2  *[0-9a-f]\{12\}  *PASS  *[0-9a-f]\{12\}  *not run  *[0-9.]*s  *landed$" out &&
	! test -e r/.git/orch-hooks-land
'

test_expect_success 'land stops at an unreviewed branch, keeping what landed before' '
	(cd r && git reset -q --hard start &&
	 branch_with_commit b4 b4.txt &&
	 test_must_fail orch-hooks land b1 b4 b2 >../out 2>../err &&
	 git log --first-parent --format=%s main >../log) &&
	test_grep "b4. (.*) cannot land: no verdict" err &&
	test_grep "orch-hooks review b4" err &&
	test $(wc -l <log) = 2 &&
	test_grep "^b4 .* not-reviewed$" out &&
	test_grep "^b2 .* todo$" out &&
	test -e r/.git/orch-hooks-land
'

test_expect_success 'a second land is refused while one is under way' '
	(cd r && test_must_fail orch-hooks land b3 2>../err) &&
	test_grep "a land is already under way here" err
'

test_expect_success 'land --continue picks up after the branch is reviewed' '
	(cd r && orch-hooks verdict set PASS b4 2>/dev/null &&
	 orch-hooks land --continue >../out 2>../err &&
	 git log --first-parent --format=%s main >../log) &&
	test $(wc -l <log) = 4 &&
	test_grep "all 3 branches landed" err &&
	! test -e r/.git/orch-hooks-land
'

test_expect_success 'land refuses a dirty work tree and an unprotected target' '
	(cd r && echo dirt >>initial.t &&
	 test_must_fail orch-hooks land b1 2>../err && git checkout -q initial.t) &&
	test_grep "uncommitted changes" err &&
	test_grep "changed: initial.t" err &&
	(cd r && git checkout -q -b side start &&
	 test_must_fail orch-hooks land b1 2>../err && git checkout -q main) &&
	test_grep ".side. is not a protected branch" err
'

test_expect_success 'land --onto switches to the target first' '
	(cd r && git reset -q --hard start && git checkout -q side &&
	 orch-hooks land --onto main b1 2>../err &&
	 git symbolic-ref --short HEAD >../cur && git log --first-parent --format=%s -1 main >../log) &&
	echo main >expect && test_cmp expect cur &&
	test_grep "b1" log
'

test_expect_success 'a conflict stops land; --continue after the person commits' '
	(cd r && git reset -q --hard start &&
	 git checkout -q -b c1 start && test_commit c1 shared.txt one && git checkout -q main &&
	 git checkout -q -b c2 start && test_commit c2 shared.txt two && git checkout -q main &&
	 orch-hooks verdict set PASS c1 && orch-hooks verdict set PASS c2 &&
	 test_must_fail orch-hooks land c1 c2 b1 >../out 2>../err) 2>/dev/null &&
	test_grep "stopped with conflicts" err &&
	test_grep "conflict: shared.txt" err &&
	test_grep "orch-hooks land --continue" err &&
	(cd r && test_must_fail orch-hooks land --continue 2>../err2) &&
	test_grep "a merge is still in progress" err2 &&
	(cd r && echo both >shared.txt && git add shared.txt && git commit -q --no-edit 2>/dev/null;
	 rc=0 && orch-hooks land --continue >../out 2>../err || rc=$? && echo $rc >../rc) &&
	echo 2 >expect && test_cmp expect rc &&
	test_grep "c2. cannot land yet: its merge .* carries changes of its own" err &&
	(cd r && orch-hooks verdict set PASS "$(cat .git/ORCH_UNREVIEWED_MERGE)" 2>/dev/null &&
	 orch-hooks land --continue >../out 2>../err &&
	 git log --first-parent --format=%s main >../log) &&
	test_grep "c2. landed as" err &&
	test_grep "all 3 branches landed" err &&
	test $(wc -l <log) = 4
'

test_expect_success 'land --abort aborts the merge in progress and stops' '
	(cd r && git reset -q --hard start &&
	 test_must_fail orch-hooks land c1 c2 >/dev/null 2>&1 &&
	 test -f .git/MERGE_HEAD &&
	 orch-hooks land --abort >../out 2>../err &&
	 ! test -f .git/MERGE_HEAD && ! test -e .git/orch-hooks-land &&
	 git status --porcelain --untracked-files=no >../st &&
	 git log --first-parent --format=%s main >../log) &&
	test_must_be_empty st &&
	test $(wc -l <log) = 2 &&
	test_grep "land aborted" err
'

test_expect_success 'a landed branch loses its clean worktree; a dirty one is kept' '
	(cd r && git reset -q --hard start &&
	 git worktree add -q ../wt-b1 b1 && git worktree add -q ../wt-b2 b2 &&
	 echo wip >>../wt-b2/b2.txt &&
	 orch-hooks land b1 b2 2>../err) &&
	! test -d wt-b1 &&
	test -d wt-b2 && test_grep wip wt-b2/b2.txt &&
	test_grep "removed the worktree of .b1." err &&
	test_grep "kept the worktree of .b2. (.*wt-b2): it holds files that are not committed" err &&
	test_grep "b2.txt" err
'

test_expect_success '--delete-branches deletes what landed' '
	(cd r && git reset -q --hard start && git branch tmp1 b3 &&
	 orch-hooks verdict set PASS tmp1 2>/dev/null &&
	 orch-hooks land --delete-branches tmp1 2>../err &&
	 test_must_fail git rev-parse --verify -q refs/heads/tmp1)
'

test_expect_success 'a crash in the middle is resumed by --continue' '
	(cd r && git reset -q --hard start &&
	 orch-hooks land b1 2>/dev/null &&
	 git reset -q --hard start &&
	 h=$(git rev-parse HEAD) && b1=$(git rev-parse b1) && b2=$(git rev-parse b2) &&
	 z=0000000000000000000000000000000000000000 &&
	 git merge -q --no-ff -m "Merge b1" b1 &&
	 m=$(git rev-parse HEAD) &&
	 printf "onto\tmain\ndelete-branches\t0\nbranch\tb1\tmerging\t%s\t%s\t%s\t0.1\tPASS\t-\nbranch\tb2\ttodo\t%s\t%s\t%s\t0\t-\t-\n" \
		$b1 $z $h $z $z $z >.git/orch-hooks-land &&
	 orch-hooks land --continue >../out 2>../err &&
	 git log --first-parent --format=%s main >../log) &&
	test_grep "b1. landed as" err &&
	test_grep "b2. landed as" err &&
	test $(wc -l <log) = 3
'

test_done
