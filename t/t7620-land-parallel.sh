#!/bin/sh
test_description='land -j N: the prefixes of the queue tested at once, the longest green one landed'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-land.sh"

tests_run() {
	if test -e "$TRASH/tests.log"; then wc -l <"$TRASH/tests.log"; else echo 0; fi
}

# No speculative worktree is left: none registered, no directory.
no_scratch_left() {
	git -C r worktree list --porcelain >wt && test $(grep -c "^worktree " wt) = 1 &&
	! test -e r/.git/orch-hooks/spec
}

reset_main() {
	(cd r && git reset -q --hard start && rm -f .git/orch-hooks-land) && : >tests.log
}

test_expect_success 'setup: six reviewed branches, one that breaks the tests, a test command that tells where it ran' '
	new_repo r &&
	(cd r && test_commit shared shared.txt base &&
	 printf "[branches]\nprotected = main\n[test]\ncommand = sh %s/tests.sh\n" "$TRASH" >.git/orch-hooks.ini &&
	 for b in b1 b2 b3 b4 b5 b6; do branch_with_commit $b $b.txt || exit 1; done &&
	 branch_with_commit breaker BREAK &&
	 for b in b1 b2 b3 b4 b5 b6 breaker; do orch-hooks verdict set PASS $b || exit 1; done &&
	 git branch start main) 2>/dev/null &&
	cat >tests.sh <<-EOF
	echo "\$ORCH_PREFIX \$ORCH_WORKTREE \$(pwd -P) \$(git rev-parse HEAD) \$ORCH_MERGE_COMMIT \$(git -C "$TRASH/r" rev-parse HEAD)" >>"$TRASH/tests.log"
	echo scratch >written-by-the-tests
	! test -e BREAK
	EOF
'

test_expect_success 'land -j 3 lands every branch, each prefix tested once in a worktree of its own' '
	: >tests.log &&
	land_json -j 3 b1 b2 b3 b4 &&
	rc_is 0 &&
	json out.json "d[\"result\"] == \"landed\"" "d[\"exit_status\"] == 0" "d[\"jobs\"] == 3" \
		"d[\"test_runs\"] == 4" \
		"[b[x][\"result\"] for x in (\"b1\",\"b2\",\"b3\",\"b4\")] == [\"landed\"] * 4" \
		"[b[x][\"prefix\"] for x in (\"b1\",\"b2\",\"b3\",\"b4\")] == [1, 2, 3, 4]" \
		"all(b[x][\"tests\"] == \"PASS\" and b[x][\"verdict\"] == \"PASS\" for x in b)" &&
	test $(tests_run) = 4 &&
	cut -d" " -f1 tests.log | sort >prefixes && printf "1\n2\n3\n4\n" >expect && test_cmp expect prefixes &&
	git -C r rev-list --first-parent --reverse start..main >landed &&
	python3 -c "import json; print(\"\\n\".join(x[\"merge\"] for x in json.load(open(\"out.json\"))[\"branches\"]))" >merges &&
	test_cmp landed merges &&
	git -C r log -1 --format=%s main >subject && test_grep "^Merge branch .b4. into main (orch-hooks land 4/4)$" subject &&
	no_scratch_left &&
	! test -e r/.git/orch-hooks-land
'

test_expect_success 'each landed merge is the tested one and carries its test record' '
	for m in $(cat merges); do
		git -C r notes --ref=refs/notes/tests show $m >note &&
		test_grep "^Tests: PASS$" note && test_grep "^Commit: $m$" note &&
		test_grep "^Action: none$" note || return 1
	done
'

test_expect_success 'the tests ran in the speculative worktree, on the merge, with the person'"'"'s checkout untouched' '
	while read prefix wt cwd head merge user; do
		case "$wt" in "$TRASH"/r/.git/orch-hooks/spec/*) ;; *) echo "bad worktree $wt"; exit 1;; esac &&
		test "$wt" = "$cwd" && test "$head" = "$merge" &&
		test "$user" = "$(git -C r rev-parse start)" || exit 1
	done <tests.log &&
	git -C r status --porcelain >st && test_must_be_empty st &&
	git -C r diff --quiet HEAD && test -e r/b4.txt && ! test -e r/written-by-the-tests
'

test_expect_success 'the merges are the very commits sequential land makes; their trees are not tested again' '
	reset_main &&
	(cd r && orch-hooks land --json b1 b2 b3 b4 >../seq.json 2>../err) &&
	git -C r rev-list --first-parent --reverse start..main >landed-seq &&
	test_cmp merges landed-seq &&
	json seq.json "d[\"jobs\"] == 1" "d[\"test_runs\"] is None" \
		"all(b[x][\"tests\"] == \"PASS (reused)\" and b[x][\"prefix\"] is None for x in b)" &&
	test $(tests_run) = 0
'

test_expect_success 'a later land -j of the same trees runs no test at all' '
	reset_main &&
	land_json -j 3 b1 b2 b3 b4 &&
	rc_is 0 &&
	json out.json "d[\"test_runs\"] == 0" "all(b[x][\"tests\"] == \"PASS (reused)\" for x in b)" &&
	test $(tests_run) = 0 && no_scratch_left
'

test_expect_success 'a breaker stops land -j as it stops sequential land: exit 1, what is before it landed' '
	reset_main &&
	land_json -j 3 b1 b2 breaker b3 b4 &&
	rc_is 1 &&
	json out.json "d[\"result\"] == \"tests-failed\"" "d[\"stopped_at\"] == \"breaker\"" \
		"b[\"b1\"][\"result\"] == \"landed\"" "b[\"b2\"][\"result\"] == \"landed\"" \
		"b[\"breaker\"][\"result\"] == \"broke-tests\"" "b[\"breaker\"][\"tests\"] == \"FAIL\"" \
		"b[\"breaker\"][\"merge\"] is None" "b[\"breaker\"][\"prefix\"] == 3" \
		"\"tests failed\" in b[\"breaker\"][\"reason\"]" \
		"b[\"b3\"][\"result\"] == \"todo\"" "b[\"b4\"][\"result\"] == \"todo\"" &&
	test_grep "BROKE .main." err && test_grep "orch-hooks land --continue" err &&
	git -C r rev-parse main >tip && python3 -c "import json; print(json.load(open(\"out.json\"))[\"branches\"][1][\"merge\"])" >b2merge &&
	test_cmp b2merge tip &&
	test $(tests_run) -le 5 && no_scratch_left &&
	test -e r/.git/orch-hooks-land
'

test_expect_success 'land --continue with the breaker unchanged: exit 4, no test run' '
	: >tests.log &&
	land_json --continue &&
	rc_is 4 &&
	json out.json "d[\"result\"] == \"unchanged\"" "d[\"stopped_at\"] == \"breaker\"" &&
	test $(tests_run) = 0
'

test_expect_success 'land --skip drops the breaker and lands the rest speculatively' '
	land_json --skip &&
	rc_is 0 &&
	json out.json "d[\"jobs\"] == 3" "b[\"breaker\"][\"result\"] == \"skipped\"" \
		"b[\"b3\"][\"result\"] == \"landed\"" "b[\"b4\"][\"result\"] == \"landed\"" \
		"b[\"b4\"][\"prefix\"] == 2" &&
	no_scratch_left
'

test_expect_success '--keep-going drops the breaker; what follows is merged and tested again on the new tip' '
	reset_main &&
	land_json -j 2 --keep-going b1 breaker b2 b3 &&
	rc_is 1 &&
	json out.json "d[\"result\"] == \"tests-failed\"" "d[\"stopped_at\"] == \"breaker\"" \
		"b[\"b1\"][\"result\"] == \"landed\"" "b[\"breaker\"][\"result\"] == \"broke-tests\"" \
		"b[\"b2\"][\"result\"] == \"landed\"" "b[\"b3\"][\"result\"] == \"landed\"" \
		"b[\"b3\"][\"prefix\"] == 2" &&
	git -C r log --first-parent --format=%s start..main >log &&
	test $(wc -l <log) = 3 && ! grep breaker log &&
	! test -e r/BREAK && no_scratch_left
'

test_expect_success '--keep-going without -j drops the breaker in sequential land too' '
	reset_main &&
	land_json --keep-going b1 breaker b2 &&
	rc_is 1 &&
	json out.json "b[\"b1\"][\"result\"] == \"landed\"" "b[\"breaker\"][\"result\"] == \"broke-tests\"" \
		"b[\"b2\"][\"result\"] == \"landed\"" "d[\"stopped_at\"] == \"breaker\""
'

test_expect_success 'an unreviewed branch stops land -j with exit 2 after the green prefix before it landed' '
	reset_main &&
	(cd r && branch_with_commit nov nov.txt) &&
	land_json -j 3 b1 b2 nov b3 &&
	rc_is 2 &&
	json out.json "d[\"result\"] == \"not-reviewed\"" "d[\"stopped_at\"] == \"nov\"" \
		"b[\"nov\"][\"result\"] == \"not-reviewed\"" "b[\"nov\"][\"verdict\"] == \"none\"" \
		"b[\"b2\"][\"result\"] == \"landed\"" "b[\"b3\"][\"result\"] == \"todo\"" &&
	test_grep "cannot land: no verdict" err && no_scratch_left
'

test_expect_success 'a conflict stops land -j at that branch as sequential land does: exit 3, --continue after the commit' '
	reset_main &&
	(cd r && git checkout -q -b c0 start && test_commit c0 shared.txt zero &&
	 git checkout -q -b c1 start && test_commit c1 shared.txt one && git checkout -q main &&
	 orch-hooks verdict set PASS c0 && orch-hooks verdict set PASS c1) 2>/dev/null &&
	land_json -j 3 b1 c0 c1 b2 &&
	rc_is 3 &&
	json out.json "d[\"result\"] == \"conflict\"" "d[\"stopped_at\"] == \"c1\"" \
		"b[\"b1\"][\"result\"] == \"landed\"" "b[\"c0\"][\"result\"] == \"landed\"" \
		"b[\"c1\"][\"result\"] == \"conflict\"" "b[\"b2\"][\"result\"] == \"todo\"" &&
	test_grep "conflict: shared.txt" err && test -e r/.git/MERGE_HEAD && no_scratch_left &&
	(cd r && echo resolved >shared.txt && git add shared.txt && git commit -q --no-edit) 2>/dev/null;
	land_json --continue &&
	rc_is 2 && test_grep "its merge .* carries changes of its own" err &&
	(cd r && orch-hooks verdict set PASS "$(cat .git/ORCH_UNREVIEWED_MERGE)") 2>/dev/null &&
	land_json --continue &&
	rc_is 0 &&
	json out.json "b[\"c1\"][\"result\"] == \"landed\"" \
		"b[\"b2\"][\"result\"] == \"landed\"" "b[\"b2\"][\"prefix\"] == 1" &&
	no_scratch_left
'

test_expect_success '-j 1 is sequential land' '
	reset_main &&
	land_json -j 1 b1 b2 &&
	rc_is 0 &&
	json out.json "d[\"jobs\"] == 1" "d[\"test_runs\"] is None" "b[\"b2\"][\"prefix\"] is None" &&
	test_grep "\[1/2\] landing .b1. onto .main." err && ! test_grep "building the merges" err
'

test_expect_success 'a progress line per running test names the branch, the prefix and the time' '
	reset_main &&
	printf "sleep 2\n" >slow.sh &&
	(cd r && git config --file .git/orch-hooks.ini test.command "sh $TRASH/slow.sh" &&
	 ORCH_HOOKS_PROGRESS_SECONDS=1 orch-hooks land -j 2 b5 b6 >/dev/null 2>../err) &&
	test_grep "\[[0-9]*s\] testing .b5.: the prefix of 1, in .*/orch-hooks/spec/1" err &&
	test_grep "\[[0-9]*s\] testing .b6.: the prefix of 2, in .*/orch-hooks/spec/2" err
'

test_done
