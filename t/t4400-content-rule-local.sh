#!/bin/sh
test_description='the content rule on the local protected branch: a merge carrying changes of its own needs its own PASS'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

export TMPDIR="$TRASH/tmp"
mkdir -p "$TMPDIR"

# policy [REVIEWER]: protect main, test with `true`, review with the script REVIEWER.
policy() {
	printf '[branches]\nprotected = main\n[test]\ncommand = true\n[review]\ncommand = sh %s/reviewer.sh\n' \
		"$TRASH" >"$TRASH/r/.git/orch-hooks.ini"
}

# conflicting NAME: a reviewed branch NAME whose change to c.t conflicts with main's.
conflicting() {
	git checkout -q -b "$1" base && test_commit "$1" c.t "$1 side" && git checkout -q main &&
	orch-hooks verdict set PASS "$1" 2>/dev/null
}

test_expect_success 'setup' '
	new_repo r && policy &&
	(cd r && test_commit base c.t "base" && git tag base && test_commit main-side c.t "main side")
'

test_expect_success 'a clean merge made by git stays, without a verdict of its own' '
	(cd r && branch_with_commit clean clean.t && orch-hooks verdict set PASS clean 2>/dev/null &&
	 git rev-parse HEAD >../before &&
	 git merge -q --no-ff --no-edit clean 2>../err && git rev-parse HEAD^1 >../after) &&
	test_cmp before after &&
	test_must_fail test_grep "changes of its own" err
'

test_expect_success 'a resolved conflict committed on main is undone at once, and remembered' '
	(cd r && conflicting cf1 && git rev-parse HEAD >../before &&
	 test_must_fail git merge -q --no-edit cf1 >/dev/null 2>&1 &&
	 echo "resolved by hand" >c.t && git add c.t && git commit -q --no-edit 2>../err &&
	 git rev-parse HEAD >../after && cat .git/ORCH_UNREVIEWED_MERGE >../merge) &&
	test_cmp before after &&
	test_grep "carries changes of its own: its tree is not the automatic merge of its parents (which does not merge cleanly: a resolved conflict" err &&
	test_grep "paths that differ from the automatic merge: c.t" err &&
	test_grep "MERGE REFUSED" err &&
	test_grep "orch-hooks review NAME" err &&
	test "$(git -C r rev-parse "$(cat merge)^2")" = "$(git -C r rev-parse cf1)" &&
	test "$(git -C r show "$(cat merge)":c.t)" = "resolved by hand"
'

test_expect_success 'the reviewer of a merge gets ORCH_AUTOMERGE: the diff is the hand-made part' '
	cat >reviewer.sh <<-\EOF &&
	cd "$ORCH_REPO" || exit 2
	test -n "$ORCH_AUTOMERGE" || { echo "no ORCH_AUTOMERGE"; echo FAIL; exit 0; }
	echo "hand-made: $(git diff --name-only "$ORCH_AUTOMERGE" "$ORCH_COMMIT" | tr "\n" " ")"
	echo PASS
	EOF
	(cd r && git branch resolved "$(cat ../merge)" &&
	 orch-hooks review resolved >../out 2>../err) &&
	cat out err >all &&
	test_grep "hand-made: c.t $" all &&
	test_grep "^PASS" out
'

test_expect_success 'the reviewed merge then lands by fast-forward and stays' '
	(cd r && git merge -q --ff-only resolved 2>../err && git rev-parse HEAD >../after) &&
	git -C r rev-parse resolved >expect && test_cmp expect after
'

test_expect_success 'an edit made during git merge --no-commit is undone without its own PASS' '
	(cd r && branch_with_commit nc nc.t && orch-hooks verdict set PASS nc 2>/dev/null &&
	 git rev-parse HEAD >../before &&
	 git merge -q --no-ff --no-commit nc && echo "edited" >>nc.t && git add nc.t &&
	 git commit -q --no-edit 2>../err && git rev-parse HEAD >../after) &&
	test_cmp before after &&
	test_grep "which merges cleanly: an edit or a tree made by hand" err &&
	test_grep "MERGE REFUSED" err
'

test_expect_success 'land --continue stops at a resolution without its PASS (exit 2), lands it with one' '
	(cd r && git reset -q --hard main && conflicting cf2 &&
	 test_must_fail orch-hooks land cf2 >../out 2>../err &&
	 echo "resolved for land" >c.t && git add c.t && git commit -q --no-edit 2>/dev/null;
	 test_expect_code=0; orch-hooks land --continue >../out 2>../err || test_expect_code=$?;
	 echo $test_expect_code >../code) &&
	echo 2 >expect && test_cmp expect code &&
	test_grep "cannot land yet: its merge .* carries changes of its own" err &&
	test_grep "orch-hooks review" err &&
	(cd r && git rev-parse HEAD >../head && orch-hooks verdict set PASS "$(cat .git/ORCH_UNREVIEWED_MERGE)" 2>/dev/null &&
	 orch-hooks land --continue >../out 2>../err && git log -1 --format=%s >../subject &&
	 git rev-parse HEAD^1 >../parent) &&
	test_cmp head parent &&
	test_grep "all 1 branches landed\|landed" err &&
	test_must_fail test -e r/.git/orch-hooks-land
'

test_done
