#!/bin/sh
test_description='the light front ends: ordinary commits skip libgit2, a merge pays for it about once'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# Without orch-hooks-gate beside them, the front ends can only succeed by not needing it.
hide_gate() {
	mv r/.git/hooks/orch-hooks-gate gate.saved
}
restore_gate() {
	mv gate.saved r/.git/hooks/orch-hooks-gate
}
# A gate that writes down each hook it runs for (in gate-runs), then runs.
log_gate() {
	mv r/.git/hooks/orch-hooks-gate gate.saved &&
	printf "#!/bin/sh\necho \"\$ORCH_HOOKS_GATE_HOOK\" >>\"%s/gate-runs\"\nexec \"%s/gate.saved\" \"\$@\"\n" \
		"$TRASH" "$TRASH" >r/.git/hooks/orch-hooks-gate &&
	chmod +x r/.git/hooks/orch-hooks-gate && : >gate-runs
}

test_expect_success 'setup' '
	new_repo r &&
	printf "[branches]\nprotected = main\n[test]\ncommand = true\n" >r/.git/orch-hooks.ini &&
	(cd r && branch_with_commit feat f1 && branch_with_commit other f2 &&
	 orch-hooks verdict set PASS feat 2>/dev/null) &&
	test -x r/.git/hooks/orch-hooks-gate
'

test_expect_success 'an ordinary commit never hands over to the gate' '
	hide_gate && test_when_finished restore_gate &&
	(cd r && test_commit plain 2>../err) &&
	test_grep ! "orch-hooks" err
'

test_expect_success 'a reviewed merge: prepare-commit-msg trusts pre-merge-commit and leaves the marker' '
	log_gate && test_when_finished restore_gate &&
	(cd r && git merge --no-ff -m m feat 2>../err &&
	 git rev-parse HEAD^2 >../merged &&
	 git notes --ref=refs/notes/tests show HEAD >../tests) &&
	git -C r rev-parse feat >expect && test_cmp expect merged &&
	test_grep "^Tests: PASS$" tests &&
	# the gate ran twice (the verdicts, the tests), prepare-commit-msg not at all
	printf "pre-merge-commit\npost-merge\n" >expect &&
	test_cmp expect gate-runs &&
	! test -e r/.git/orch-hooks-premerge-ok &&
	! test -e r/.git/orch-hooks-merge-pending
'

test_expect_success 'a forged stamp for other heads is not trusted' '
	(cd r && git reset -q --hard HEAD^ &&
	 git merge --no-ff --no-commit other >/dev/null 2>&1 &&
	 { echo protected && cat .git/ORIG_HEAD && git rev-parse feat; } >.git/orch-hooks-premerge-ok &&
	 test_must_fail git commit --no-edit 2>../err && git merge --abort) &&
	test_grep "other. at commit .*: no verdict" err
'

test_expect_success 'a stamp older than a minute is not trusted' '
	(cd r && git merge --no-ff --no-commit other >/dev/null 2>&1 &&
	 { echo protected && cat .git/ORIG_HEAD && cat .git/MERGE_HEAD; } >.git/orch-hooks-premerge-ok &&
	 touch -d "2 minutes ago" .git/orch-hooks-premerge-ok &&
	 test_must_fail git commit --no-edit 2>../err && git merge --abort) &&
	test_grep "other. at commit .*: no verdict" err
'

test_expect_success 'a merge that needs the gate, with the gate missing, is refused' '
	hide_gate && test_when_finished restore_gate &&
	(cd r && git merge --no-ff --no-commit other >/dev/null 2>&1 &&
	 test_must_fail git commit --no-edit 2>../err && git merge --abort) &&
	test_grep "cannot run .*orch-hooks-gate.*the gate cannot decide, so it refuses" err
'

test_done
