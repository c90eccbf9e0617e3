#!/bin/sh
test_description='the server gate: verdicts only grow (no record dropped or back-dated), over every transport'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

SRV="$TRASH/srv"
NOTES=refs/notes/verdicts

# record VERDICT REV DATE: one verdict record by reviewer-bot for REV, as text.
record() {
	printf "Verdict: %s\nCommit: %s\nTree: %s\nReviewer: reviewer-bot\nDate: %s\n\nsaid %s at %s\n" \
		"$1" "$(git rev-parse "$2")" "$(git rev-parse "$2^{tree}")" "$3" "$1" "$3"
}

# soon SECONDS: the UTC date SECONDS from now, as a verdict writes it.
soon() {
	date -u -d "@$(( $(date +%s) + $1 ))" +%Y-%m-%dT%H:%M:%SZ
}

# note_is REV FILE...: the note of REV becomes the records in FILE..., byte for byte.
note_is() {
	rev=$1 && shift &&
	blob=$(for f in "$@"; do cat "$f" && echo; done | git hash-object -w --stdin) &&
	git notes --ref=$NOTES add -f -C "$blob" "$rev" 2>/dev/null
}

growth_tests() {
	t=$1 url=$(transport_url "$1" "$1.git")

	test_expect_success "$t: setup: a gated server, feat with a PASS then a newer FAIL" '
		gated_server "$SRV/$t.git" "$url" "c-$t" &&
		(cd "c-$t" &&
		 git checkout -q -b feat main && test_commit feat && git checkout -q main &&
		 record PASS feat 2026-01-01T10:00:00Z >../pass-$t &&
		 record FAIL feat 2026-01-01T11:00:00Z >../fail-$t &&
		 note_is feat ../pass-$t ../fail-$t &&
		 git push origin $NOTES 2>../err) &&
		git -C "c-$t" rev-parse $NOTES >expect &&
		git -C "$SRV/$t.git" rev-parse $NOTES >actual &&
		test_cmp expect actual
	'

	test_expect_success "$t: the newer FAIL swapped for the older PASS, as a fast-forward, is refused" '
		(cd "c-$t" && note_is feat ../pass-$t &&
		 git merge-base --is-ancestor "$(git -C "$SRV/$t.git" rev-parse $NOTES)" $NOTES &&
		 git notes --ref=$NOTES show feat >../shown && test_must_fail grep FAIL ../shown &&
		 git merge -q --no-ff -m "Merge branch feat" feat &&
		 refused_push "$SRV/$t.git" ../err git push --atomic origin main $NOTES) &&
		test_grep "remote: orch-hooks: push to .$NOTES. refused" err &&
		test_grep "commit $(git -C "c-$t" rev-parse feat): the push drops the record .FAIL by reviewer-bot dated 2026-01-01T11:00:00Z." err &&
		test_grep "orch-hooks sync" err
	'

	test_expect_success "$t: a PASS dated before the FAIL, added after it, is refused" '
		(cd "c-$t" && record PASS feat 2026-01-01T09:00:00Z >../old-pass-$t &&
		 note_is feat ../pass-$t ../fail-$t ../old-pass-$t &&
		 refused_push "$SRV/$t.git" ../err git push origin $NOTES) &&
		test_grep "adds the record .PASS by reviewer-bot dated 2026-01-01T09:00:00Z., dated before the newest record it had (2026-01-01T11:00:00Z)" err
	'

	test_expect_success "$t: deleting a note is refused" '
		(cd "c-$t" && git notes --ref=$NOTES remove feat 2>/dev/null &&
		 refused_push "$SRV/$t.git" ../err git push origin $NOTES) &&
		test_grep "commit $(git -C "c-$t" rev-parse feat): the push deletes it" err
	'

	test_expect_success "$t: a PASS dated in the future, which would outrank any later verdict, is refused" '
		(cd "c-$t" && record PASS feat 2099-01-01T00:00:00Z >../future-$t &&
		 note_is feat ../pass-$t ../fail-$t ../future-$t &&
		 refused_push "$SRV/$t.git" ../err git push origin $NOTES) &&
		test_grep "adds the record .PASS by reviewer-bot dated 2099-01-01T00:00:00Z., dated in the future" err
	'

	test_expect_success "$t: a newer record added (verdict set) is accepted, and lets the merge in" '
		(cd "c-$t" && git fetch -q origin +$NOTES:$NOTES &&
		 orch-hooks verdict set PASS feat 2>/dev/null &&
		 git notes --ref=$NOTES show feat >../note &&
		 git push --atomic origin main $NOTES 2>../err) &&
		test $(grep -c "^Verdict:" note) = 3 &&
		test_grep "verdicts of 1 merge checked: accepted" err &&
		git -C "c-$t" rev-parse main $NOTES >expect &&
		git -C "$SRV/$t.git" rev-parse main $NOTES >actual &&
		test_cmp expect actual
	'

	test_expect_success "$t: orch-hooks sync of two clients adding to one note is accepted" '
		git clone -q "$url" "d-$t" 2>/dev/null &&
		feat=$(git -C "c-$t" rev-parse feat) && d1=$(soon 30) && d2=$(soon 60) &&
		(cd "d-$t" && git fetch -q origin $NOTES:$NOTES &&
		 git fetch -q ../"c-$t" feat && git branch -q feat FETCH_HEAD &&
		 record PASS feat "$d1" >../d-rec-$t &&
		 git notes --ref=$NOTES show feat >../d-old-$t &&
		 note_is feat ../d-old-$t ../d-rec-$t &&
		 git push -q origin $NOTES 2>/dev/null) &&
		(cd "c-$t" && record FAIL feat "$d2" >../c-rec-$t &&
		 git notes --ref=$NOTES show feat >../c-old-$t &&
		 note_is feat ../c-old-$t ../c-rec-$t &&
		 orch-hooks sync 2>../err) &&
		test_grep "pushed $NOTES" err &&
		git -C "$SRV/$t.git" notes --ref=$NOTES show "$feat" >merged &&
		test_grep "said PASS at $d1" merged &&
		test_grep "said FAIL at $d2" merged
	'
}

start_transports "$SRV"
for t in $TRANSPORTS; do
	growth_tests "$t"
done

# git reads a fan-out directory even when a file of the same name sits beside
# it (git mktree writes such a tree): a note added in that directory is still
# judged, here a PASS dated in the future that would outrank any later verdict.
# (The file "0" makes libgit2's lookup by name land on the file, not the directory.)
test_expect_success 'a file named like the fan-out directory beside it does not hide an added note' '
	git init -q --bare "$SRV/twin.git" &&
	orch-hooks install --server "$SRV/twin.git" 2>/dev/null &&
	git init -q twin &&
	(cd twin && test_commit base && feat=$(git rev-parse HEAD) &&
	 fan=$(echo $feat | cut -c1-2) && rest=$(echo $feat | cut -c3-) &&
	 junk=$(echo not a note | git hash-object -w --stdin) &&
	 sub=$(printf "100644 blob %s\treadme\n" $junk | git mktree) &&
	 old=$(printf "040000 tree %s\t%s\n" $sub $fan | git mktree | xargs git commit-tree -m notes) &&
	 git update-ref $NOTES $old &&
	 git push -q "file://$SRV/twin.git" main $NOTES 2>../err &&
	 record PASS HEAD 2099-01-01T00:00:00Z >../t-future &&
	 future=$(git hash-object -w ../t-future) &&
	 sub=$(printf "100644 blob %s\treadme\n100644 blob %s\t%s\n" $junk $future $rest | git mktree) &&
	 new=$(printf "100644 blob %s\t0\n100644 blob %s\t%s\n040000 tree %s\t%s\n" \
		$junk $junk $fan $sub $fan | git mktree |
		xargs git commit-tree -p $old -m notes) &&
	 git update-ref $NOTES $new &&
	 git notes --ref=$NOTES show $feat >../shown && grep "^Verdict: PASS" ../shown &&
	 test_must_fail git push "file://$SRV/twin.git" $NOTES 2>../err) &&
	test_grep "adds the record .PASS by reviewer-bot dated 2099-01-01T00:00:00Z., dated in the future" err &&
	test "$(git -C "$SRV/twin.git" rev-parse $NOTES)" = "$(git -C twin rev-parse $NOTES^)"
'

# More changed notes than the gate looks up by path (ORCH_SERVER_NOTES_BY_PATH,
# 64): the notes are compared whole, by the same rule.
test_expect_success 'a push changing 70 notes at once is compared whole: one dropped record among them is refused' '
	git init -q --bare "$SRV/many.git" &&
	orch-hooks install --server "$SRV/many.git" 2>/dev/null &&
	git init -q many &&
	(cd many && test_commit base &&
	 for i in $(seq 1 70); do
		git commit -q --allow-empty -m "c$i" &&
		record PASS HEAD 2026-01-01T10:00:00Z >../pass &&
		note_is HEAD ../pass || return 1
	 done &&
	 git push -q "file://$SRV/many.git" main $NOTES 2>../err &&
	 for c in $(git rev-list -70 HEAD); do
		record PASS $c 2026-01-01T10:00:00Z >../pass &&
		record FAIL $c 2026-01-01T12:00:00Z >../fail &&
		note_is $c ../pass ../fail || return 1
	 done &&
	 git branch grown $NOTES &&
	 dropped=$(git rev-parse HEAD~33) &&
	 note_is $dropped ../fail &&
	 test_must_fail git push "file://$SRV/many.git" $NOTES 2>../err) &&
	test_grep "commit $(git -C many rev-parse HEAD~33): the push drops the record .PASS by reviewer-bot dated 2026-01-01T10:00:00Z." err &&
	test $(grep -c "the pushed notes change the verdicts" err) = 1 &&
	(cd many && git update-ref $NOTES grown && git push -q "file://$SRV/many.git" $NOTES 2>../err) &&
	test "$(git -C many rev-parse $NOTES)" = "$(git -C "$SRV/many.git" rev-parse $NOTES)"
'

test_done
