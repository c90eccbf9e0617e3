#!/bin/sh
test_description='the test gate: post-merge runs the tests and undoes a merge that breaks them'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# set_policy COMMAND [ON_FAILURE [TIMEOUT]]: the policy of repository r.
set_policy() {
	printf '[branches]\nprotected = main\n[test]\ncommand = %s\non_failure = %s\ntimeout = %s\n' \
		"$1" "${2:-undo}" "${3:-1m}" >"$TRASH/r/.git/orch-hooks.ini"
}

# reviewed BRANCH FILE: a branch off main with one commit, and a PASS verdict on it.
reviewed() {
	branch_with_commit "$1" "$2" &&
	orch-hooks verdict set PASS "$1" 2>/dev/null
}

test_expect_success 'setup' '
	new_repo r &&
	(cd r && test_commit unrelated u.t "u" && test_commit other w.t "w")
'

test_expect_success 'a merge that passes stays, and the result is recorded as a note' '
	set_policy "echo all-good" &&
	(cd r && reviewed feat1 f1.t &&
	 git merge --no-ff -m "merge feat1" feat1 2>../err &&
	 git rev-parse HEAD^2 >../merged &&
	 git notes --ref=refs/notes/tests show HEAD >../note &&
	 git rev-parse HEAD >../head && git rev-parse HEAD^{tree} >../tree) &&
	git -C r rev-parse feat1 >expect && test_cmp expect merged &&
	test_grep "testing the merge of .feat1. (.*) into .main.: echo all-good" err &&
	test_grep "^all-good$" err &&
	test_grep "tests PASSED for the merge of .feat1. (.*) into .main. (echo all-good" err &&
	test_grep "^Tests: PASS$" note &&
	test_grep "^Commit: $(cat head)$" note &&
	test_grep "^Tree: $(cat tree)$" note &&
	test_grep "^Command: echo all-good$" note &&
	test_grep "^Exit: 0$" note &&
	test_grep "^Duration: [0-9.]*s$" note &&
	test_grep "^Date: 20[0-9-]*T[0-9:]*Z$" note &&
	test_grep "^all-good$" note
'

# zlib_head OBJECT: the first three bytes of OBJECT's loose file in r, in hex.
zlib_head() {
	od -A n -t x1 -N 3 "r/.git/objects/$(echo "$1" | cut -c1-2)/$(echo "$1" | cut -c3-)" | tr -d " "
}

test_expect_success 'the test record: loose objects git reads (small ones stored under the static gate), its reflog entry' '
	(cd r && git rev-parse refs/notes/tests >../notes &&
	 git rev-parse refs/notes/tests^{tree} >../ntree &&
	 git cat-file -p "$(cat ../notes)" >/dev/null && git fsck --strict --no-dangling 2>../fsck &&
	 git reflog show --format="%gn <%ge> %gs" -1 refs/notes/tests >../reflog) &&
	test_must_be_empty fsck &&
	# the reflog names the committer, as git notes would (not libgit2 guessing "unknown")
	test_grep "^C O Mitter <committer@example.com> notes: Notes added by orch-hooks$" reflog &&
	if grep -q "^#define HAVE_STATIC_GATE 1" "$ORCH_HOOKS_BUILD/config.h"
	then
		# a zlib header, then a final stored block (hooks/deflate-small.c)
		test "$(zlib_head "$(cat notes)")" = 780101 &&
		test "$(zlib_head "$(cat ntree)")" = 780101
	fi
'

test_expect_success 'a merge that fails its tests is undone, and git merge still exits 0' '
	set_policy "echo first-line; echo boom-output; exit 3" &&
	(cd r && reviewed feat2 f2.t &&
	 git rev-parse HEAD >../before &&
	 git merge --no-ff -m "merge feat2" feat2 2>../err &&
	 git rev-parse HEAD >../after &&
	 git rev-parse "HEAD@{1}" >../merge &&
	 git status --porcelain >../status &&
	 git notes --ref=refs/notes/tests show "$(cat ../merge)" >../note) &&
	test_cmp before after &&
	! test -e r/f2.t &&
	test_must_fail test -s status &&
	git -C r rev-parse "$(cat merge)^2" >merged && git -C r rev-parse feat2 >expect &&
	test_cmp expect merged &&
	test_grep "^Tests: FAIL$" note && test_grep "^Exit: 3$" note &&
	test_grep "^Action: undo$" note && test_grep "^boom-output$" note
'

test_expect_success 'the failure message names the merge, the command, the status and the output, last' '
	short=$(git -C r rev-parse --short=12 feat2) &&
	test_grep "TESTS FAILED after the merge of .feat2. ($short) into .main." err &&
	test_grep "the merge is commit $(cat merge)" err &&
	test_grep "test command: echo first-line; echo boom-output; exit 3" err &&
	test_grep "result: exit status 3" err &&
	test_grep "| boom-output" err &&
	test_grep "the merge was UNDONE: .main. is back at $(git -C r rev-parse --short=12 HEAD)" err &&
	tail -n 2 err >last &&
	test_grep "^orch-hooks: TESTS FAILED: the merge of .feat2. ($short) into .main. was UNDONE$" last &&
	test_grep "^orch-hooks: =====" last
'

test_expect_success 'the test command sees the merge in ORCH_* and none of git hook variables' '
	set_policy "env >\"$TRASH/env.out\"; pwd >\"$TRASH/pwd.out\"" &&
	(cd r && reviewed feat3 f3.t && mkdir -p sub && cd sub &&
	 git merge --no-ff -m "merge feat3" feat3 2>../../err) &&
	test_grep "^ORCH_TARGET=main$" env.out &&
	test_grep "^ORCH_MERGED=$(git -C r rev-parse feat3)$" env.out &&
	test_grep "^ORCH_ORIG_HEAD=$(git -C r rev-parse HEAD^1)$" env.out &&
	test_grep "^ORCH_MERGE_COMMIT=$(git -C r rev-parse HEAD)$" env.out &&
	test_grep "^ORCH_FAST_FORWARD=0$" env.out &&
	test_grep "^ORCH_HOOK=post-merge$" env.out &&
	test_grep ! "^GIT_DIR=" env.out &&
	test_grep ! "^GIT_INDEX_FILE=" env.out &&
	test_grep ! "^GIT_PREFIX=" env.out &&
	test_grep ! "^GIT_REFLOG_ACTION=" env.out &&
	test_grep ! "^GIT_EXEC_PATH=" env.out &&
	echo "$TRASH/r" >expect && test_cmp expect pwd.out
'

test_expect_success 'undo keeps unrelated uncommitted changes (unstaged, untracked)' '
	set_policy "exit 1" &&
	(cd r && reviewed feat4 f4.t &&
	 git rev-parse HEAD >../before &&
	 echo "my unstaged work" >u.t && echo "untracked" >mine.txt &&
	 git merge --no-ff -m "merge feat4" feat4 2>../err &&
	 git rev-parse HEAD >../after && git status --porcelain >../status) &&
	test_cmp before after &&
	printf " M u.t\n?? mine.txt\n" >expect && test_cmp expect status &&
	echo "my unstaged work" >expect && test_cmp expect r/u.t &&
	test_grep "UNDONE" err &&
	(cd r && git checkout -q -- u.t && rm mine.txt)
'

test_expect_success 'undo of a fast-forward keeps staged and unstaged changes' '
	set_policy "exit 1" &&
	(cd r && reviewed feat5 f5.t && git checkout -q feat5 && git rebase -q main && git checkout -q main &&
	 orch-hooks verdict set PASS feat5 2>/dev/null &&
	 git rev-parse HEAD >../before &&
	 echo "staged work" >u.t && git add u.t && echo "unstaged work" >w.t &&
	 git merge feat5 2>../err &&
	 git rev-parse HEAD >../after && git status --porcelain >../status &&
	 git diff --cached >../cached) &&
	test_cmp before after &&
	printf "M  u.t\n M w.t\n" >expect && test_cmp expect status &&
	test_grep "^+staged work" cached &&
	echo "unstaged work" >expect && test_cmp expect r/w.t &&
	test_grep "TESTS FAILED after the fast-forward of .main. to .feat5." err &&
	test_grep "UNDONE" err &&
	(cd r && git reset -q && git checkout -q -- u.t w.t)
'

test_expect_success 'undo with --autostash: git puts the stashed change back, even on a file the merge touched' '
	set_policy "exit 1" &&
	(cd r && git checkout -q -b feat13 main && test_commit f13 u.t "theirs" && git checkout -q main &&
	 orch-hooks verdict set PASS feat13 2>/dev/null &&
	 git rev-parse HEAD >../before &&
	 echo "my work" >u.t &&
	 git merge --no-ff --autostash -m "merge feat13" feat13 >../out 2>../err &&
	 git rev-parse HEAD >../after && git status --porcelain >../status &&
	 git stash list >../stashes) &&
	test_cmp before after &&
	printf " M u.t\n" >expect && test_cmp expect status &&
	echo "my work" >expect && test_cmp expect r/u.t &&
	test_must_fail test -s stashes &&
	test_grep "UNDONE" err &&
	(cd r && git checkout -q -- u.t)
'

test_expect_success 'the tests writing into a merged file do not stop the undo: their writes are set aside' '
	set_policy "echo scribble >>f6.t; exit 1" &&
	(cd r && reviewed feat6 f6.t &&
	 git rev-parse HEAD >../before &&
	 git merge --no-ff -m "merge feat6" feat6 2>../err &&
	 git rev-parse HEAD >../after && git status --porcelain >../status &&
	 git rev-parse "HEAD@{1}" >../merge &&
	 git show "refs/orch/test-leftovers/$(cat ../merge):f6.t" >../f6) &&
	test_cmp before after &&
	test_must_be_empty status &&
	printf "f6.t\nscribble\n" >expect && test_cmp expect f6 &&
	test_grep "set aside: git show --stat refs/orch/test-leftovers/$(cat merge)" err &&
	test_grep "TESTS FAILED: the merge of .feat6. (.*) into .main. was UNDONE" err &&
	git -C r notes --ref=refs/notes/tests show "$(cat merge)" >note &&
	test_grep "^Action: undo$" note
'

test_expect_success 'a branch that moved during the tests is left alone, and the message says so' '
	set_policy "git update-ref refs/heads/main \$(git commit-tree -p HEAD -m moved HEAD^{tree}); exit 1" &&
	(cd r && reviewed feat14 f14.t &&
	 git merge --no-ff -m "merge feat14" feat14 2>../err &&
	 git rev-parse "HEAD^^2" >../merged &&
	 git status --porcelain >../status) &&
	git -C r rev-parse feat14 >expect && test_cmp expect merged &&
	test_must_fail test -s status &&
	test_grep "has moved on to $(git -C r rev-parse --short=12 HEAD) meanwhile; the merge $(git -C r rev-parse --short=12 HEAD^) was not taken back" err &&
	test_grep "TESTS FAILED: the merge of .feat14. (.*) into .main. was NOT UNDONE" err &&
	(cd r && git reset -q --keep HEAD^^)
'

test_expect_success 'on_failure = revert commits a revert of the merge' '
	set_policy "exit 4" revert &&
	(cd r && reviewed feat7 f7.t &&
	 git rev-parse HEAD^{tree} >../before-tree &&
	 git merge --no-ff -m "merge feat7" feat7 2>../err &&
	 git rev-parse HEAD^^2 >../merged && git rev-parse HEAD^{tree} >../after-tree &&
	 git log -1 --format=%B >../msg && git status --porcelain >../status &&
	 git notes --ref=refs/notes/tests show HEAD^ >../note) &&
	git -C r rev-parse feat7 >expect && test_cmp expect merged &&
	test_cmp before-tree after-tree &&
	test_must_fail test -s status &&
	test_grep "^Revert \"merge feat7\"$" msg &&
	test_grep "^This reverts commit $(git -C r rev-parse HEAD^)" msg &&
	test_grep "REVERTED" err && test_grep "^Action: revert$" note
'

test_expect_success 'on_failure = keep reports the failure and keeps the merge' '
	set_policy "exit 5" keep &&
	(cd r && reviewed feat8 f8.t &&
	 git merge --no-ff -m "merge feat8" feat8 2>../err &&
	 git rev-parse HEAD^2 >../merged &&
	 git notes --ref=refs/notes/tests show HEAD >../note) &&
	git -C r rev-parse feat8 >expect && test_cmp expect merged &&
	test_grep "TESTS FAILED after the merge of .feat8." err &&
	test_grep "the merge was KEPT" err &&
	test_grep "^Tests: FAIL$" note && test_grep "^Action: keep$" note &&
	(cd r && git reset -q --keep HEAD^)
'

test_expect_success 'a hanging test command is killed at the timeout, with its children, and the merge undone' '
	set_policy "sleep 60 & echo \$! >\"$TRASH/child.pid\"; sleep 60" undo 2s &&
	(cd r && reviewed feat9 f9.t) &&
	merge_undone git merge --no-ff -m "merge feat9" feat9 &&
	test "$(cat took)" -lt 15 &&
	test -s child.pid && process_gone "$(cat child.pid)" &&
	test_grep "result: timed out after 2s and was killed" err &&
	test_grep "UNDONE" err &&
	git -C r notes --ref=refs/notes/tests show "$(git -C r rev-parse HEAD@{1})" >note &&
	test_grep "^Exit: timeout$" note
'

test_expect_success 'a test command that does not exist undoes the merge' '
	set_policy "no-such-test-command-here" &&
	(cd r && reviewed feat10 f10.t) &&
	merge_undone git merge --no-ff -m "merge feat10" feat10 &&
	test_grep "exit status 127 (command not found?)" err &&
	test_grep "UNDONE" err
'

test_expect_success 'a background child left behind by a passing test does not hang the hook' '
	set_policy "sleep 30 & exit 0" &&
	(cd r && reviewed feat11 f11.t &&
	 start=$(date +%s) &&
	 git merge --no-ff -m "merge feat11" feat11 2>../err &&
	 end=$(date +%s) && echo $((end - start)) >../took &&
	 git rev-parse HEAD^2 >../merged) &&
	test "$(cat took)" -lt 10 &&
	git -C r rev-parse feat11 >expect && test_cmp expect merged &&
	test_grep "tests PASSED" err
'

test_expect_success 'no test command: the merge stays and the person hears it was not tested' '
	set_policy "" &&
	(cd r && reviewed feat12 f12.t &&
	 git merge --no-ff -m "merge feat12" feat12 2>../err &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse feat12 >expect && test_cmp expect merged &&
	test_grep "no \[test\] command in the policy: the merge of .feat12. (.*) into .main. was not tested" err
'

test_expect_success 'merges into a branch that is not protected are not tested' '
	set_policy "exit 1" &&
	(cd r && git checkout -q -b topic && branch_with_commit side s.t && git checkout -q topic &&
	 git merge --no-ff -m "merge side" side 2>../err &&
	 git rev-parse HEAD^2 >../merged && git checkout -q main) &&
	git -C r rev-parse side >expect && test_cmp expect merged &&
	test_grep ! "orch-hooks" err
'

test_expect_success 'the seed case: two branches that pass alone but break together' '
	set_policy "test ! -e a.t || test ! -e b.t" &&
	(cd r && reviewed a a.t && reviewed b b.t &&
	 git checkout -q -b try-b main && git merge -q --no-ff -m "b alone" b &&
	 sh -c "test ! -e a.t || test ! -e b.t" && git checkout -q main &&
	 git merge --no-ff -m "merge a" a 2>../err-a &&
	 git rev-parse HEAD >../after-a && git rev-parse HEAD^2 >../merged-a &&
	 git merge --no-ff -m "merge b" b 2>../err-b &&
	 git rev-parse HEAD >../after-b) &&
	git -C r rev-parse a >expect && test_cmp expect merged-a &&
	test_grep "tests PASSED for the merge of .a. " err-a &&
	test_cmp after-a after-b &&
	test_grep "TESTS FAILED after the merge of .b. ($(git -C r rev-parse --short=12 b)) into .main." err-b &&
	test_grep "UNDONE" err-b
'

test_done
