#!/bin/sh
test_description='attack: a push that claims an old value for the notes ref the server does not have

pre-receive is handed the old value the client claims. A non-atomic push that
claims the verdict notes do not exist yet (or are older than they are) has its
pushed notes judged against that claim; git then refuses the notes update
(the ref is not at the claimed value), but the protected branch, judged with
those notes, lands. A newer FAIL on the server is so sidestepped.'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

NOTES=refs/notes/verdicts

# record VERDICT REV DATE: one verdict record by reviewer-bot for REV, as text.
record() {
	printf "Verdict: %s\nCommit: %s\nTree: %s\nReviewer: reviewer-bot\nDate: %s\n\nsaid %s at %s\n" \
		"$1" "$(git rev-parse "$2")" "$(git rev-parse "$2^{tree}")" "$3" "$1" "$3"
}

# note_is REV FILE...: the note of REV becomes the records in FILE..., byte for byte.
note_is() {
	rev=$1 && shift &&
	blob=$(for f in "$@"; do cat "$f" && echo; done | git hash-object -w --stdin) &&
	git notes --ref=$NOTES add -f -C "$blob" "$rev" 2>/dev/null
}

test_expect_success 'setup: a gated server; feat has a PASS and a newer FAIL there' '
	gated_server srv.git "file://$TRASH/srv.git" c &&
	(cd c &&
	 git checkout -q -b feat main && test_commit feat && git checkout -q main &&
	 git push -q origin feat 2>/dev/null &&
	 record PASS feat 2026-01-01T10:00:00Z >../pass &&
	 record FAIL feat 2026-01-01T11:00:00Z >../fail &&
	 note_is feat ../pass && git push -q origin $NOTES 2>/dev/null &&
	 note_is feat ../pass ../fail && git push -q origin $NOTES 2>/dev/null) &&
	git -C srv.git notes --ref=$NOTES show feat >shown &&
	test_grep "Verdict: FAIL" shown
'

test_expect_success 'setup: a receive-pack that hides the notes from the client, or claims them older' '
	claiming_receive_pack hide-notes
'

test_expect_success 'the FAIL is the newest record: an atomic push of the merge is refused (control)' '
	(cd c && git fetch -q origin "+$NOTES:$NOTES" &&
	 git merge -q --no-ff -m "Merge branch feat" feat &&
	 refused_push ../srv.git ../err git push --atomic origin main $NOTES) &&
	test_grep "FAIL" err
'

test_expect_success 'notes with only the PASS, pushed as a create beside the merge, do not land the merge' '
	(cd c && git update-ref -d $NOTES &&
	 note_is feat ../pass &&
	 git notes --ref=$NOTES show feat >../mine && test_must_fail grep FAIL ../mine &&
	 refused_push ../srv.git ../err env CLAIM_REF=$NOTES git push --receive-pack="$TRASH/hide-notes" origin main $NOTES) &&
	test_grep "the push claims the server.s notes are at 0000000" err
'

test_expect_success 'notes grown from the notes before the FAIL, claimed to be the server'"'"'s, do not land it' '
	git -C srv.git rev-parse $NOTES^ >claimed &&
	(cd c && git fetch -q origin "+$NOTES:$NOTES" && git update-ref $NOTES $NOTES^ &&
	 git notes --ref=$NOTES show feat >../mine && test_must_fail grep FAIL ../mine &&
	 record PASS main^ 2026-01-01T10:30:00Z >../pass-initial && note_is main^ ../pass-initial &&
	 refused_push ../srv.git ../err env CLAIM_REF=$NOTES CLAIM_OLD=$(cat ../claimed) \
		git push --receive-pack="$TRASH/hide-notes" origin main $NOTES) &&
	test_grep "the push claims the server.s notes are at $(cut -c1-7 claimed)" err
'

test_expect_success 'a plain push of the notes and the merge is still judged and accepted as before' '
	(cd c && git fetch -q origin "+$NOTES:$NOTES" &&
	 test_must_fail git push origin main $NOTES 2>../err &&
	 record PASS feat 2026-01-01T12:00:00Z >../pass2 &&
	 note_is feat ../pass ../fail ../pass2 &&
	 git push origin main $NOTES 2>../err) &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual && test_cmp expect actual
'

test_done
