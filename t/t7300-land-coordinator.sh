#!/bin/sh
test_description='land and review driven as a coordinating agent would: exit statuses and JSON only'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-land.sh"

# Five workers, each in its own worktree: a good change, one that breaks the
# tests, one the reviewer rejects, one that conflicts with the good one, and
# a stack of two (s2 on top of s1).
export TMPDIR="$TRASH/tmp"
mkdir -p "$TMPDIR"

tests_run() {
	wc -l <"$TRASH/tests.log" 2>/dev/null || echo 0
}

test_expect_success 'setup: five workers in their worktrees, a reviewer and a test gate' '
	new_repo r &&
	(cd r && test_commit shared shared.txt base &&
	 printf "[branches]\nprotected = main\n[review]\ncommand = sh %s/reviewer.sh\n[test]\ncommand = sh %s/tests.sh\n" \
		"$TRASH" "$TRASH" >.git/orch-hooks.ini) &&
	cat >reviewer.sh <<-\EOF &&
	if git diff --name-only "$ORCH_BASE" HEAD 2>/dev/null | grep -q reject ||
	   test -e reject.txt; then echo "FAIL: reject.txt is not wanted"; else echo PASS; fi
	EOF
	cat >tests.sh <<-EOF &&
	echo run >>"$TRASH/tests.log"
	! test -e BREAK
	EOF
	(cd r &&
	 git checkout -q -b good main && test_commit good shared.txt good &&
	 git checkout -q -b breaking main && test_commit breaking BREAK &&
	 git checkout -q -b rejected main && test_commit rejected reject.txt &&
	 git checkout -q -b conflicting main && test_commit conflicting shared.txt other &&
	 git checkout -q -b s1 main && test_commit s1 s1.txt &&
	 git checkout -q -b s2 s1 && test_commit s2 s2.txt &&
	 git checkout -q main &&
	 for b in good breaking rejected conflicting s1 s2; do
		git worktree add -q ../wt-$b $b || exit 1
	 done)
'

test_expect_success 'review --json: a verdict per branch; exit 1 when one is FAIL' '
	(cd r && orch-hooks review --json -j 3 good breaking rejected conflicting s1 s2 \
		>../out.json 2>../err; echo $? >../rc) &&
	rc_is 1 &&
	python3 - <<-\PY
	import json
	d = json.load(open("out.json"))
	assert d["version"] == 1 and d["command"] == "review" and d["target"] == "main", d
	v = {r["name"]: r for r in d["reviews"]}
	assert v["rejected"]["verdict"] == "FAIL" and "reject.txt" in v["rejected"]["reason"], v
	for b in ("good", "breaking", "conflicting", "s1", "s2"):
	    assert v[b]["verdict"] == "PASS" and v[b]["recorded"] is True, v[b]
	    assert len(v[b]["commit"]) == 40 and v[b]["branch"] == b
	    assert isinstance(v[b]["duration"], float)
	assert d["exit_status"] == 1
	PY
'

test_expect_success 'review exits 0 when every verdict is PASS' '
	(cd r && orch-hooks review --json good >../out.json 2>../err; echo $? >../rc) &&
	rc_is 0 && json out.json "d[\"exit_status\"] == 0"
'

test_expect_success 'land: the good one lands, the breaking one stops it with exit 1' '
	: >tests.log &&
	land_json good breaking rejected conflicting s2 s1 &&
	rc_is 1 &&
	json out.json "d[\"version\"] == 1" "d[\"result\"] == \"tests-failed\"" \
		"d[\"stopped_at\"] == \"breaking\"" "d[\"exit_status\"] == 1" \
		"b[\"good\"][\"result\"] == \"landed\"" "b[\"good\"][\"tests\"] == \"PASS\"" \
		"b[\"good\"][\"verdict\"] == \"PASS\"" "len(b[\"good\"][\"merge\"]) == 40" \
		"b[\"breaking\"][\"result\"] == \"broke-tests\"" "b[\"breaking\"][\"tests\"] == \"FAIL\"" \
		"b[\"breaking\"][\"merge\"] is None" "b[\"breaking\"][\"reason\"]" \
		"b[\"rejected\"][\"result\"] == \"todo\"" "b[\"s1\"][\"tip\"] is None" \
		"isinstance(b[\"good\"][\"duration\"], float)" &&
	test $(tests_run) = 2 &&
	git -C r log --first-parent --format=%s main >log && test $(wc -l <log) = 3
'

test_expect_success 'land --continue with the breaker unchanged stops at once: exit 4, no test run' '
	: >tests.log &&
	land_json --continue &&
	rc_is 4 &&
	json out.json "d[\"result\"] == \"unchanged\"" "d[\"stopped_at\"] == \"breaking\"" &&
	test_grep "nothing changed since land stopped at .breaking." err &&
	test $(tests_run) = 0
'

test_expect_success 'land --skip drops the breaker; the rejected one stops it with exit 2' '
	land_json --skip &&
	rc_is 2 &&
	json out.json "b[\"breaking\"][\"result\"] == \"skipped\"" \
		"b[\"rejected\"][\"result\"] == \"rejected\"" "b[\"rejected\"][\"verdict\"] == \"FAIL\"" \
		"d[\"stopped_at\"] == \"rejected\"" "d[\"result\"] == \"not-reviewed\"" &&
	test_grep "reviewer said FAIL: fix .rejected. with a new commit" err &&
	test_grep "orch-hooks land --skip" err
'

test_expect_success 'status --json shows the land in progress and the dirty worktrees' '
	echo wip >>wt-s1/s1.txt &&
	(cd r && orch-hooks status --json >../st.json) &&
	git -C wt-s1 checkout -q s1.txt &&
	json st.json "d[\"version\"] == 1" "len(d[\"lands\"]) == 1" \
		"d[\"lands\"][0][\"current\"] == \"rejected\"" \
		"d[\"lands\"][0][\"stopped\"] == \"rejected\"" \
		"d[\"lands\"][0][\"queue\"] == [\"rejected\", \"conflicting\", \"s2\", \"s1\"]" \
		"\"FAIL\" in d[\"lands\"][0][\"reason\"]" \
		"b[\"s1\"][\"dirty\"] is True" "b[\"s2\"][\"dirty\"] is False" \
		"b[\"rejected\"][\"verdict\"] == \"FAIL\"" \
		"[w[\"dirty\"] for w in d[\"worktrees\"] if w[\"branch\"] == \"s1\"] == [True]"
'

test_expect_success 'land --continue on the unchanged FAIL: exit 4; --skip then a conflict: exit 3' '
	land_json --continue &&
	rc_is 4 &&
	land_json --skip &&
	rc_is 3 &&
	json out.json "d[\"result\"] == \"conflict\"" "d[\"stopped_at\"] == \"conflicting\"" \
		"b[\"conflicting\"][\"result\"] == \"conflict\"" &&
	test -f r/.git/MERGE_HEAD
'

test_expect_success 'land --skip out of a conflict: the stack lands child first, the parent is already landed' '
	: >tests.log &&
	land_json --skip &&
	rc_is 0 &&
	! test -f r/.git/MERGE_HEAD &&
	json out.json "d[\"result\"] == \"landed\"" "d[\"stopped_at\"] is None" \
		"b[\"conflicting\"][\"result\"] == \"skipped\"" \
		"b[\"s2\"][\"result\"] == \"landed\"" \
		"b[\"s1\"][\"result\"] == \"already-landed\"" "b[\"s1\"][\"merge\"] is None" \
		"b[\"s1\"][\"tests\"] is None" &&
	test $(tests_run) = 1 &&
	! test -e r/.git/orch-hooks-land &&
	! test -d wt-s1 && ! test -d wt-s2 && ! test -d wt-good &&
	test -d wt-breaking && test -d wt-rejected && test -d wt-conflicting
'

test_expect_success 'a branch merged by hand is already landed: no merge, no test, exit 0' '
	(cd r && git checkout -q -b byhand main && test_commit byhand byhand.txt &&
	 orch-hooks verdict set PASS byhand && git checkout -q main &&
	 git merge -q --no-ff -m "by hand" byhand) 2>/dev/null &&
	: >tests.log &&
	land_json byhand &&
	rc_is 0 &&
	json out.json "b[\"byhand\"][\"result\"] == \"already-landed\"" &&
	test $(tests_run) = 0
'

test_expect_success 'a stack landed parent first works too' '
	(cd r && git checkout -q -b p1 main && test_commit p1 p1.txt &&
	 git checkout -q -b p2 p1 && test_commit p2 p2.txt && git checkout -q main &&
	 orch-hooks verdict set PASS p1 && orch-hooks verdict set PASS p2) 2>/dev/null &&
	land_json p1 p2 &&
	rc_is 0 &&
	json out.json "b[\"p1\"][\"result\"] == \"landed\"" "b[\"p2\"][\"result\"] == \"landed\""
'

test_expect_success 'land --review reviews what lacks a verdict (-j 2), then lands or stops: exit 2' '
	(cd r && git checkout -q -b r1 main && test_commit r1 r1.txt &&
	 git checkout -q -b r2 main && test_commit r2 reject.txt again &&
	 git checkout -q -b r3 main && test_commit r3 r3.txt && git checkout -q main) &&
	land_json --review -j 2 r1 r3 r2 &&
	rc_is 2 &&
	json out.json "b[\"r1\"][\"result\"] == \"landed\"" "b[\"r3\"][\"result\"] == \"landed\"" \
		"b[\"r2\"][\"result\"] == \"rejected\"" "b[\"r2\"][\"verdict\"] == \"FAIL\"" &&
	git -C r notes --ref=refs/notes/verdicts show r2 >note &&
	test_grep "^Verdict: FAIL" note &&
	land_json --abort &&
	rc_is 0 && json out.json "d[\"result\"] == \"aborted\""
'

test_expect_success 'exit statuses: usage 129; a missing branch is fatal 128' '
	(cd r && orch-hooks land --bogus 2>../err; echo $? >../rc) &&
	rc_is 129 &&
	(cd r && orch-hooks land -j 2 --continue 2>../err; echo $? >../rc) &&
	rc_is 129 &&
	(cd r && orch-hooks review --jobs=x r1 2>../err; echo $? >../rc) &&
	rc_is 129 &&
	echo dirt >>r/shared.txt &&
	land_json r1 &&
	git -C r checkout -q shared.txt &&
	rc_is 128 &&
	json out.json "d[\"result\"] == \"fatal\"" "d[\"exit_status\"] == 128" \
		"b[\"r1\"][\"result\"] == \"todo\"" &&
	test_grep "uncommitted changes" err &&
	land_json no-such-branch &&
	rc_is 128 &&
	json out.json "d[\"result\"] == \"fatal\"" "b[\"no-such-branch\"][\"result\"] == \"refused\"" &&
	land_json --abort
'

test_expect_success 'a never-reviewed branch off a fast-forwarded target is "none", not "stale"' '
	(cd r && git checkout -q -b ff main && test_commit ff ff.txt &&
	 orch-hooks verdict set PASS ff && git checkout -q main && git merge -q --ff-only ff &&
	 git checkout -q -b fresh main && test_commit fresh fresh.txt &&
	 git checkout -q -b older main && test_commit older1 o1.txt && orch-hooks verdict set PASS older &&
	 test_commit older2 o2.txt && git checkout -q main &&
	 orch-hooks status --json >../st.json) 2>/dev/null &&
	json st.json "b[\"fresh\"][\"verdict\"] == \"none\"" "b[\"older\"][\"verdict\"] == \"stale\"" &&
	land_json fresh &&
	rc_is 2 &&
	json out.json "b[\"fresh\"][\"verdict\"] == \"none\"" "b[\"fresh\"][\"result\"] == \"not-reviewed\"" &&
	land_json --abort
'

test_expect_success 'status --json in a shallow clone: ahead/behind null, with a reason' '
	git clone -q --depth 1 "file://$TRASH/r" shallow &&
	(cd shallow && git checkout -q -b w && test_commit w w.txt && git checkout -q main &&
	 orch-hooks status --json >../st.json) &&
	json st.json "b[\"w\"][\"ahead\"] is None" "b[\"w\"][\"behind\"] is None" \
		"\"shallow\" in b[\"w\"][\"ahead_behind_reason\"]"
'

test_expect_success 'a branch moved after land judged it: land merges the commit it judged, not the new tip' '
	(cd r && git checkout -q -b mover main && test_commit mover mover.txt &&
	 orch-hooks verdict set PASS mover && git checkout -q main &&
	 git checkout -q -b evil mover && test_commit evil evil.txt && git checkout -q main) 2>/dev/null &&
	judged=$(git -C r rev-parse mover) && evil=$(git -C r rev-parse evil) &&
	mkdir -p movegit &&
	printf "#!/bin/sh\nif test \"\$1\" = merge; then %s update-ref refs/heads/mover %s; fi\nexec %s \"\$@\"\n" \
		"$(command -v git)" "$evil" "$(command -v git)" >movegit/git &&
	chmod +x movegit/git &&
	(PATH="$TRASH/movegit:$PATH" && export PATH && cd r &&
	 orch-hooks land --json mover >../out.json 2>../err; echo $? >../rc) &&
	rc_is 0 &&
	test "$(git -C r rev-parse mover)" = "$evil" &&
	test "$(git -C r rev-parse main^2)" = "$judged" &&
	test_must_fail git -C r merge-base --is-ancestor "$evil" main &&
	json out.json "b[\"mover\"][\"tip\"] == \"$judged\""
'

test_done
