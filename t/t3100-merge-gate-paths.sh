#!/bin/sh
test_description='the merge gate holds on every path that makes a merge commit'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'setup' '
	new_repo r &&
	(cd r && branch_with_commit feat f1 &&
	 git checkout -q -b conflict main && test_commit c initial.t "theirs" &&
	 git checkout -q main && test_commit base initial.t "ours")
'

test_expect_success 'git merge --no-verify is still refused (prepare-commit-msg)' '
	(cd r && git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-verify --no-ff -m m feat 2>../err &&
	 git rev-parse HEAD >../after && git merge --abort) &&
	test_cmp before after &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'a refused merge completed with git commit is refused again' '
	(cd r && test_must_fail git merge --no-ff -m m feat 2>/dev/null &&
	 test -f .git/MERGE_HEAD &&
	 git rev-parse HEAD >../before &&
	 test_must_fail git commit --no-edit 2>../err &&
	 test_must_fail git commit -m "sneak it in" 2>../err2 &&
	 test_must_fail git commit --no-verify --no-edit 2>../err3 &&
	 git rev-parse HEAD >../after && git merge --abort) &&
	test_cmp before after &&
	test_grep "feat. at commit .*: no verdict" err &&
	test_grep "feat. at commit .*: no verdict" err2 &&
	test_grep "feat. at commit .*: no verdict" err3
'

test_expect_success 'a conflicted merge concluded with git commit is refused' '
	(cd r && test_must_fail git merge --no-ff -m m conflict &&
	 echo resolved >initial.t && git add initial.t &&
	 test_must_fail git commit --no-edit 2>../err &&
	 test_must_fail git merge --continue 2>../err2 &&
	 git merge --abort) &&
	test_grep "conflict. at commit .*: no verdict" err &&
	test_grep "conflict. at commit .*: no verdict" err2
'

test_expect_success 'a reviewed conflicted merge concluded with git merge --continue passes the merge gate' '
	(cd r && orch-hooks verdict set PASS conflict 2>/dev/null &&
	 git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m m conflict &&
	 echo resolved >initial.t && git add initial.t &&
	 git merge --continue 2>../err &&
	 git rev-parse HEAD >../after &&
	 git rev-parse HEAD@{1} >../resolution) &&
	test_grep ! "merge into protected branch .main. refused" err &&
	# the resolution is hand-made: the content rule takes it back until the merge itself is reviewed
	test_grep "carries changes of its own" err &&
	test_cmp before after
'

test_expect_success 'the resolution lands once the merge itself has its own PASS' '
	(cd r && orch-hooks verdict set PASS "$(cat ../resolution)" 2>/dev/null &&
	 git merge --ff-only "$(cat ../resolution)" &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse conflict >expect && test_cmp expect merged
'

test_expect_success 'git pull of an unreviewed branch is refused' '
	git clone -q r clone &&
	(cd clone && orch-hooks install 2>/dev/null) &&
	(cd r && git checkout -q -b pulled main && test_commit pulled-file && git checkout -q main) &&
	(cd clone && test_commit local-work &&
	 test_must_fail git pull --no-rebase --no-edit origin pulled 2>../err &&
	 git merge --abort) &&
	test_grep "merge into protected branch .main. refused" err &&
	test_grep "commit $(git -C r rev-parse pulled): no verdict" err
'

test_expect_success 'git pull of a reviewed branch goes through' '
	(cd r && orch-hooks verdict set PASS pulled 2>/dev/null) &&
	(cd clone && git fetch -q origin "refs/notes/*:refs/notes/*" &&
	 git pull --no-rebase --no-edit origin pulled &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse pulled >expect && test_cmp expect merged
'

test_expect_success 'git pull of a diverged main merges upstream without a verdict of its own' '
	git clone -q r diverged &&
	(cd diverged && orch-hooks install 2>/dev/null &&
	 git checkout -q -b mine && test_commit mine-file && git checkout -q main &&
	 orch-hooks verdict set PASS mine 2>/dev/null && git merge -q --no-ff -m "merge mine" mine) &&
	(cd r && git checkout -q -b upstream-work main && test_commit upstream-file &&
	 git checkout -q main && orch-hooks verdict set PASS upstream-work 2>/dev/null &&
	 git merge -q --no-ff -m "merge upstream-work" upstream-work) &&
	(cd diverged && git pull --no-rebase --no-edit origin main 2>../err &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse main >expect && test_cmp expect merged &&
	test_grep "comes from upstream .origin/main.: merged without a verdict of its own" err
'

test_expect_success 'git merge --squash then git commit onto main is refused' '
	(cd r && orch-hooks verdict set PASS feat 2>/dev/null &&
	 git merge --squash feat >/dev/null 2>&1 &&
	 test_must_fail git commit -m squashed 2>../err &&
	 git reset -q --merge) &&
	test_grep "squash commit onto protected branch .main. refused" err
'

test_expect_success 'ordinary commits are not touched by the gate' '
	(cd r && test_commit plain 2>../err) &&
	test_grep ! "orch-hooks" err
'

test_expect_success 'ORCH_HOOKS_SKIP bypasses the local gate loudly and leaves a record' '
	(cd r && branch_with_commit skipme f5 &&
	 ORCH_HOOKS_SKIP="hotfix, approved by ops" git merge --no-ff -m m skipme 2>../err &&
	 git log -1 --format=%B >../msg) &&
	test_grep "GATE SKIPPED" err &&
	test_grep "^Orch-Hooks-Skipped: hotfix, approved by ops$" msg &&
	test_grep "hotfix, approved by ops" r/.git/orch-hooks-skip.log
'

test_expect_success 'the gate works in a linked worktree' '
	(cd r && git branch wtmain main && git worktree add -q ../wt wtmain) &&
	printf "[branches]\nprotected = main wtmain\n" >r/.git/orch-hooks.ini &&
	(cd wt && git checkout -q -b wtfeat && test_commit f6 && git checkout -q wtmain &&
	 test_must_fail git merge --no-ff -m m wtfeat 2>../err && git merge --abort &&
	 orch-hooks verdict set PASS wtfeat 2>/dev/null &&
	 git merge --no-ff -m m wtfeat) &&
	test_grep "merge into protected branch .wtmain. refused" err
'

test_expect_success 'the gate works from a subdirectory' '
	(cd r && mkdir -p sub && branch_with_commit subfeat f7 &&
	 cd sub && test_must_fail git merge --no-ff -m m subfeat 2>../../err && git merge --abort) &&
	test_grep "subfeat. at commit .*: no verdict" err
'

test_expect_success 'a SHA-256 repository is refused as an unsupported format' '
	git init -q --object-format=sha256 sha &&
	(cd sha && test_commit initial && branch_with_commit feat f8) &&
	test_must_fail orch-hooks install sha 2>err &&
	test_grep "unsupported repository format" err &&
	cp "$ORCH_HOOKS_LIBEXECDIR/pre-merge-commit" "$ORCH_HOOKS_LIBEXECDIR/prepare-commit-msg" \
		"$ORCH_HOOKS_LIBEXECDIR/orch-hooks-gate" sha/.git/hooks/ &&
	(cd sha && git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m m feat 2>../err &&
	 git rev-parse HEAD >../after && git merge --abort) &&
	test_cmp before after &&
	test_grep "orch-hooks: unsupported repository format" err &&
	test_grep "merge refused: the merge gate cannot decide" err
'

test_done
