#!/bin/sh
test_description='the merge gate: verdicts decide whether a merge into a protected branch is made'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# note_on REV TEXT: write a raw note, bypassing orch-hooks.
note_on() {
	git notes --ref=refs/notes/verdicts add -f -m "$2" "$1"
}

test_expect_success 'setup' '
	new_repo r &&
	(cd r && branch_with_commit feat f1 && branch_with_commit other f2)
'

test_expect_success 'a merge without a verdict is refused, nothing committed' '
	(cd r && git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m "merge feat" feat 2>../err &&
	 git rev-parse HEAD >../after && git merge --abort) &&
	test_cmp before after &&
	feat=$(git -C r rev-parse feat) &&
	test_grep "orch-hooks: merge into protected branch .main. refused" err &&
	test_grep "orch-hooks:   .feat. at commit $feat: no verdict" err &&
	test_grep "orch-hooks review feat" err &&
	test_grep "git merge --abort" err
'

test_expect_success 'a refused merge leaves nothing lost and aborts cleanly' '
	(cd r && echo local >>initial.t &&
	 test_must_fail git merge --no-ff -m "merge feat" feat 2>/dev/null &&
	 git merge --abort && git diff --name-only >../dirty) &&
	echo initial.t >expect && test_cmp expect dirty &&
	(cd r && git checkout -q initial.t)
'

test_expect_success 'a merge with a FAIL verdict is refused with its first reason' '
	(cd r && orch-hooks verdict set FAIL feat -m "src/money.c:12: float used for cents" 2>/dev/null &&
	 test_must_fail git merge --no-ff -m "merge feat" feat 2>../err && git merge --abort) &&
	test_grep "feat. at commit .*: FAIL: src/money.c:12: float used for cents" err &&
	test_grep "fix the branch, then review its new tip" err
'

test_expect_success 'verdict show exits 1 for FAIL and 0 for PASS' '
	(cd r && test_must_fail orch-hooks verdict show feat >../out) &&
	test_grep "FAIL" out &&
	(cd r && orch-hooks verdict set PASS feat 2>/dev/null && orch-hooks verdict show feat >../out) &&
	test_grep "^Verdict: PASS$" out &&
	test_grep "^Commit: $(git -C r rev-parse feat)$" out &&
	test_grep "^Tree: $(git -C r rev-parse feat^{tree})$" out &&
	test_grep "^Reviewer: C O Mitter <committer@example.com> (by hand)$" out &&
	test_grep "^Date: [0-9-]*T[0-9:]*Z$" out
'

test_expect_success 'a merge with a PASS verdict goes through' '
	(cd r && git merge --no-ff -m "merge feat" feat &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse feat >expect && test_cmp expect merged
'

test_expect_success 'a stale verdict (the branch moved after review) is refused' '
	(cd r && git checkout -q feat && test_commit more && git checkout -q main &&
	 git reset -q --hard HEAD^ &&
	 test_must_fail git merge --no-ff -m "merge feat" feat 2>../err && git merge --abort) &&
	test_grep "stale verdict: the PASS verdict is for the earlier commit" err &&
	test_grep "the branch moved after its review" err
'

test_expect_success 'a garbage note is refused as unreadable' '
	(cd r && note_on feat "looks fine to me" &&
	 test_must_fail git merge --no-ff -m m feat 2>../err && git merge --abort) &&
	test_grep "unreadable verdict: header line without" err
'

test_expect_success 'PASSED and pass are not a pass' '
	feat=$(git -C r rev-parse feat) &&
	for word in PASSED pass; do
		(cd r && note_on feat "Verdict: $word
Commit: $feat" &&
		 test_must_fail git merge --no-ff -m m feat 2>../err && git merge --abort) &&
		test_grep "Verdict is .$word., which is neither PASS nor FAIL" err || return 1
	done
'

test_expect_success 'an empty note is not a pass' '
	(cd r && git notes --ref=refs/notes/verdicts add -f --allow-empty -m "" feat &&
	 test_must_fail git merge --no-ff -m m feat 2>../err && git merge --abort) &&
	test_grep "empty note" err
'

test_expect_success 'a PASS note copied from another commit is refused' '
	(cd r && orch-hooks verdict set PASS other 2>/dev/null &&
	 git notes --ref=refs/notes/verdicts show other >../copied &&
	 note_on feat "$(cat ../copied)" &&
	 test_must_fail git merge --no-ff -m m feat 2>../err && git merge --abort) &&
	test_grep "verdict copied from another commit: the note says Commit $(git -C r rev-parse other)" err
'

test_expect_success 'octopus merge with one unreviewed head is refused, naming only it' '
	(cd r && orch-hooks verdict set PASS feat 2>/dev/null &&
	 branch_with_commit third f3 &&
	 test_must_fail git merge --no-ff -m octo feat third 2>../err && git merge --abort) &&
	test_grep "third. at commit .*: no verdict" err &&
	test_grep ! "feat. at commit" err
'

test_expect_success 'octopus merge with every head reviewed goes through' '
	(cd r && orch-hooks verdict set PASS third 2>/dev/null &&
	 git merge --no-ff -m octo feat third &&
	 git rev-list --parents -1 HEAD >../parents) &&
	test $(wc -w <parents) = 4
'

test_expect_success 'merging into an unprotected branch passes silently' '
	(cd r && git checkout -q -b scratch main~1 && branch_with_commit unrev f9 &&
	 git checkout -q scratch &&
	 git merge --no-ff -m m unrev 2>../err && git checkout -q main) &&
	test_grep ! "orch-hooks" err
'

test_expect_success 'protected patterns from the policy are honoured' '
	printf "[branches]\nprotected = release/*\n" >r/.git/orch-hooks.ini &&
	test_when_finished "cp \"$ORCH_HOOKS_SRC/etc/orch-hooks.ini\" r/.git/orch-hooks.ini; cd \"$TRASH/r\"; git merge --abort 2>/dev/null; git checkout -q main" &&
	(cd r && git checkout -q -b release/1.0 main &&
	 test_must_fail git merge --no-ff -m m unrev 2>../err) &&
	test_grep "merge into protected branch .release/1.0. refused" err
'

test_expect_success 'manual verdicts can be turned off' '
	printf "[branches]\nprotected = main\n[review]\nallow_manual = false\n" >r/.git/orch-hooks.ini &&
	test_when_finished "cp \"$ORCH_HOOKS_SRC/etc/orch-hooks.ini\" r/.git/orch-hooks.ini" &&
	(cd r && test_must_fail orch-hooks verdict set PASS unrev 2>../err) &&
	test_grep "manual verdicts are off" err &&
	(cd r && test_must_fail orch-hooks verdict show unrev)
'

test_expect_success 'verdict set rejects a word other than PASS or FAIL' '
	(cd r && orch-hooks verdict set pass feat 2>../err; test $? = 129) &&
	test_grep "a verdict is PASS or FAIL, not .pass." err
'

test_done
