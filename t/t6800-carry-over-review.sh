#!/bin/sh
test_description='carry-over: review carries a verdict over a pure rebase; the local gates check it again'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

export TMPDIR="$TRASH/tmp"
mkdir -p "$TMPDIR"

# How often the reviewer ran.
runs() {
	wc -l <"$TRASH/reviews.log" 2>/dev/null || echo 0
}

# review_json ARGS...: orch-hooks review --json ARGS in r; JSON in out.json, status in rc.
review_json() {
	(cd r && orch-hooks review --json "$@" >../out.json 2>../err; echo $? >../rc)
}

# reviewed NAME: NAME off main with two commits, reviewed by the reviewer (PASS).
reviewed() {
	(cd r && git checkout -q -b "$1" main && test_commit "$1-one" "$1/one.txt" &&
	 test_commit "$1-two" "$1/two.txt" && git checkout -q main &&
	 orch-hooks review "$1" >/dev/null 2>&1 && git rev-parse "$1" >"../$1.reviewed")
}

# main_moves: a commit on main that no branch touches.
main_moves() {
	(cd r && test_commit "main-$(runs)-$test_count" "main-$test_count.txt")
}

# rebased NAME: NAME rebased onto main, the work tree back on main.
rebased() {
	(cd r && git rebase -q main "$1" && git checkout -q main)
}

# not_carried NAME: review of NAME ran the reviewer and carried nothing.
not_carried() {
	before=$(runs) &&
	review_json "$1" &&
	json out.json "r[\"$1\"][\"carried_from\"] is None" &&
	test $(runs) = $((before + 1))
}

# merge_refused NAME: the merge gate refuses NAME (why in err); the merge is cleaned up.
merge_refused() {
	(cd r && test_must_fail git merge --no-ff -m "Merge $1" "$1" 2>../err; rc=$?
	 git merge --abort 2>/dev/null; exit $rc)
}

# forge COMMIT FROM BASE [append]: a carried PASS record on COMMIT, written by
# hand: the whole note, or appended to it (dated far ahead, so it is the newest).
forge() {
	(cd r && if [ "$4" = append ]; then how=append date=2099-01-01T00:00:00Z; else
		how="add -f" date=2026-01-01T00:00:00Z; fi &&
	 git notes --ref=refs/notes/verdicts $how -m "Verdict: PASS
Commit: $(git rev-parse "$1")
Tree: $(git rev-parse "$1^{tree}")
Reviewer: someone
Date: $date
Carried-From: $(git rev-parse "$2")
Carried-Base: $(git rev-parse "$3")" "$1")
}

test_expect_success 'setup: a gated repository with a reviewer that logs every run' '
	new_repo r &&
	# The reviewer logs its runs into the trash directory: no sandbox (it would forbid that).
	cat >reviewer.sh <<-EOF &&
	echo run >>"$TRASH/reviews.log"
	if test -e reject.txt; then echo "FAIL: rejected"; else echo PASS; fi
	EOF
	printf "[branches]\nprotected = main\n[review]\ncommand = sh %s/reviewer.sh\nsandbox = none\n" "$TRASH" \
		>r/.git/orch-hooks.ini
'

test_expect_success 'a pure rebase: review carries the verdict over and runs no reviewer' '
	reviewed pure &&
	test $(runs) = 1 &&
	main_moves && rebased pure &&
	review_json pure &&
	rc_is 0 &&
	json out.json "r[\"pure\"][\"verdict\"] == \"PASS\"" "r[\"pure\"][\"recorded\"] is True" \
		"r[\"pure\"][\"carried_from\"] == open(\"pure.reviewed\").read().strip()" \
		"\"pure rebase of 2 commits\" in r[\"pure\"][\"reason\"]" &&
	test $(runs) = 1 &&
	(cd r && git notes --ref=refs/notes/verdicts show pure >../note) &&
	test_grep "^Carried-From: $(cat pure.reviewed)$" note &&
	test_grep "^Carried-Base: $(git -C r merge-base main "$(cat pure.reviewed)")$" note &&
	test_grep "^Commit: $(git -C r rev-parse pure)$" note
'

test_expect_success 'verdict show, status --json and the merge gate accept the carried verdict' '
	(cd r && orch-hooks verdict show pure >../show) &&
	test_grep "PASS (carried over from" show &&
	(cd r && orch-hooks status --json >../st.json) &&
	json st.json "b[\"pure\"][\"verdict\"] == \"PASS\"" \
		"b[\"pure\"][\"carried_from\"] == open(\"pure.reviewed\").read().strip()" &&
	(cd r && git merge -q --no-ff -m "Merge branch pure" pure 2>../err) &&
	git -C r rev-parse HEAD^2 >actual && git -C r rev-parse pure >expect && test_cmp expect actual
'

test_expect_success 'a fast-forward to a carried tip is accepted by the test gate' '
	reviewed ff && main_moves && rebased ff &&
	review_json ff && rc_is 0 &&
	(cd r && git merge -q --ff-only ff 2>../err) &&
	git -C r rev-parse main >actual && git -C r rev-parse ff >expect && test_cmp expect actual
'

test_expect_success 'a fast-forward to a rebased tip without a carried record is taken back' '
	reviewed ffno && main_moves && rebased ffno &&
	(cd r && git rev-parse main >../before && git merge -q --ff-only ffno 2>../err) &&
	git -C r rev-parse main >actual && test_cmp before actual &&
	test_grep "no verdict\|stale" err
'

test_expect_success 'land --review carries over instead of reviewing again, then lands' '
	reviewed lr &&
	main_moves && rebased lr &&
	before=$(runs) &&
	(cd r && orch-hooks land --review --json lr >../land.json 2>../err; echo $? >../rc) &&
	rc_is 0 &&
	json land.json "b[\"lr\"][\"result\"] == \"landed\"" "b[\"lr\"][\"verdict\"] == \"PASS\"" &&
	test $(runs) = $before &&
	test_grep "carried over from" err
'

test_expect_success '--no-carry-over reviews a pure rebase all the same' '
	reviewed fresh && main_moves && rebased fresh &&
	before=$(runs) &&
	review_json --no-carry-over fresh &&
	rc_is 0 &&
	json out.json "r[\"fresh\"][\"carried_from\"] is None" &&
	test $(runs) = $((before + 1))
'

test_expect_success 'a rebase that also edits a line is reviewed again' '
	reviewed edit && main_moves && rebased edit &&
	(cd r && git checkout -q edit && echo more >>edit/two.txt && git commit -q -a --amend --no-edit &&
	 git checkout -q main) &&
	not_carried edit
'

test_expect_success 'white space: git patch-id is the same, the tree is not: reviewed again' '
	(cd r && git checkout -q -b ws main && printf "if ok:\n    run()\n" >ws.py && git add ws.py &&
	 test_tick && git commit -q -m ws && printf "if ok:\n    pass\n" >ws2.py && git add ws2.py &&
	 test_tick && git commit -q -m ws2 && git checkout -q main &&
	 orch-hooks review ws >/dev/null 2>&1 && git rev-parse ws >../ws.reviewed) &&
	main_moves && rebased ws &&
	(cd r && git checkout -q ws && printf "if ok:\npass\n" >ws2.py &&
	 git commit -q -a --amend --no-edit && git checkout -q main) &&
	(cd r && git show "$(cat ../ws.reviewed)" | git patch-id --stable | cut -d" " -f1 >../old.pid &&
	 git show ws | git patch-id --stable | cut -d" " -f1 >../new.pid) &&
	test_cmp old.pid new.pid &&
	not_carried ws
'

test_expect_success 'a rebase that resolves a conflict is reviewed again' '
	(cd r && printf "a\nb\nc\n" >shared.txt && git add shared.txt && test_tick && git commit -q -m shared &&
	 git checkout -q -b conflict main && printf "a\nB-branch\nc\n" >shared.txt && test_tick &&
	 git commit -q -a -m conflict && git checkout -q main &&
	 orch-hooks review conflict >/dev/null 2>&1 &&
	 printf "a\nB-main\nc\n" >shared.txt && test_tick && git commit -q -a -m "main changes b" &&
	 git checkout -q conflict && test_must_fail git rebase -q main >/dev/null 2>&1 &&
	 printf "a\nB-main\nB-branch\nc\n" >shared.txt && git add shared.txt &&
	 GIT_EDITOR=true git rebase --continue >/dev/null 2>&1 && git checkout -q main) &&
	not_carried conflict
'

test_expect_success 'squashed, added, dropped, reordered, an empty commit: reviewed again' '
	for kind in squashed added dropped reordered empty; do
		reviewed $kind && main_moves || return 1
	done &&
	(cd r && old=$(cat ../squashed.reviewed) &&
	 git checkout -q -B squashed main && git cherry-pick $old~1 $old >/dev/null &&
	 git reset -q --soft main && git commit -q -m squashed &&
	 git checkout -q -B added main && git cherry-pick $(cat ../added.reviewed)~1 \
		$(cat ../added.reviewed) >/dev/null && test_commit extra added/extra.txt &&
	 git checkout -q -B dropped main && git cherry-pick $(cat ../dropped.reviewed) >/dev/null &&
	 git checkout -q -B reordered main && git cherry-pick $(cat ../reordered.reviewed) \
		$(cat ../reordered.reviewed)~1 >/dev/null &&
	 git checkout -q -B empty main && git cherry-pick $(cat ../empty.reviewed)~1 >/dev/null &&
	 test_tick && git commit -q --allow-empty -m nothing &&
	 git cherry-pick $(cat ../empty.reviewed) >/dev/null && git checkout -q main) &&
	for kind in squashed added dropped reordered empty; do
		not_carried $kind || return 1
	done
'

test_expect_success 'a merge inside the rebased branch: reviewed again' '
	reviewed inner && main_moves &&
	(cd r && old=$(cat ../inner.reviewed) && git checkout -q -b side main && test_commit side side.txt &&
	 git checkout -q -B inner main && git cherry-pick $old~1 >/dev/null &&
	 git merge -q --no-ff -m inner side && git cherry-pick $old >/dev/null && git checkout -q main) &&
	not_carried inner
'

test_expect_success 'the verdict of a FAIL commit is never carried' '
	(cd r && git checkout -q -b rejected main && test_commit rejected reject.txt && git checkout -q main &&
	 test_must_fail orch-hooks review rejected >/dev/null 2>&1) &&
	main_moves && rebased rejected &&
	not_carried rejected && rc_is 1
'

test_expect_success 'a carried verdict stops counting when its original turns FAIL' '
	reviewed later && main_moves && rebased later &&
	review_json later && rc_is 0 &&
	(cd r && orch-hooks verdict set FAIL "$(cat ../later.reviewed)" -m "found a bug" 2>/dev/null &&
	 test_must_fail orch-hooks verdict show later >../show) &&
	merge_refused later &&
	test_grep "carried verdict refused" show &&
	test_grep "has no valid PASS (FAIL: found a bug)" err &&
	(cd r && orch-hooks land --json later >../land.json 2>../err; echo $? >../rc) &&
	rc_is 2 &&
	json land.json "b[\"later\"][\"result\"] in (\"not-reviewed\", \"rejected\")"
'

test_expect_success 'forged: a carry from a commit whose changes differ is refused by the merge gate' '
	(cd r && git checkout -q -b forged main && test_commit evil evil.txt && git checkout -q main) &&
	forge forged "$(cat pure.reviewed)" "$(git -C r merge-base main "$(cat pure.reviewed)")" &&
	merge_refused forged &&
	test_grep "carried verdict refused: not a pure rebase of the reviewed" err
'

test_expect_success 'forged: a chain of carries, a wrong base, a record copied onto another commit' '
	reviewed chain0 && main_moves && rebased chain0 && review_json chain0 && rc_is 0 &&
	(cd r && git rev-parse chain0 >../chain1 && git checkout -q -b chain2 chain0 &&
	 git commit -q --amend --no-edit --date="2000-01-01T00:00:00Z" && git checkout -q main) &&
	forge chain2 "$(cat chain1)" "$(git -C r merge-base main chain0)" &&
	merge_refused chain2 &&
	test_grep "is itself carried over" err &&
	forge chain2 "$(cat chain0.reviewed)" "$(cat chain0.reviewed)" &&
	merge_refused chain2 &&
	test_grep "the record says the reviewed series" err &&
	(cd r && git notes --ref=refs/notes/verdicts show chain0 >../copied &&
	 git checkout -q -b copy main && test_commit copy copy.txt && git checkout -q main &&
	 git notes --ref=refs/notes/verdicts add -f -F ../copied copy) &&
	merge_refused copy &&
	test_grep "verdict copied from another commit" err
'

test_expect_success 'a verdict on the commit itself outranks a newer carried one' '
	reviewed own && main_moves && rebased own &&
	(cd r && orch-hooks verdict set FAIL own -m "no" 2>/dev/null) &&
	forge own "$(cat own.reviewed)" "$(git -C r merge-base main "$(cat own.reviewed)")" append &&
	(cd r && git notes --ref=refs/notes/verdicts show own >../note) &&
	test_grep "^Carried-From:" note && test_grep "^Verdict: FAIL" note &&
	(cd r && test_must_fail orch-hooks verdict show own >../show) &&
	merge_refused own &&
	test_grep "own: FAIL" show &&
	test_grep "FAIL: no" err
'

test_expect_success 'carry_over = none: nothing is carried, and a carried record does not count' '
	reviewed off && main_moves && rebased off &&
	printf "[branches]\nprotected = main\n[review]\ncommand = sh %s/reviewer.sh\nsandbox = none\ncarry_over = none\n" \
		"$TRASH" >r/.git/orch-hooks.ini &&
	not_carried off &&
	reviewed off2 && main_moves && rebased off2 &&
	forge off2 "$(cat off2.reviewed)" "$(git -C r merge-base main "$(cat off2.reviewed)")" &&
	merge_refused off2 &&
	test_grep "carry_over = none" err &&
	(cd r && orch-hooks policy >../policy.out) &&
	test_grep "carry_over" policy.out
'

test_done
