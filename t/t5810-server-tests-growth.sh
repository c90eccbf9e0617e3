#!/bin/sh
test_description='the server gate: test records only grow (a FAIL is never dropped or outranked by an older PASS)'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

TESTS=refs/notes/tests

srv_refs() {
	git -C "$TRASH/srv.git" for-each-ref --format='%(objectname) %(refname)' >"$1"
}

# record RESULT REV DATE: one test record for REV, as text (unsigned: growth is checked before trust).
record() {
	printf "Tests: %s\nCommit: %s\nTree: %s\nCommand: sh check.sh\nRunner: someone\nExit: 0\nDuration: 1.0s\nDate: %s\n\nok\n" \
		"$1" "$(git -C c rev-parse "$2")" "$(git -C c rev-parse "$2^{tree}")" "$3"
}

# note_is REV FILE...: the note of REV becomes the records in FILE..., byte for byte (a fast-forward).
note_is() {
	rev=$1 && shift &&
	blob=$(for f in "$@"; do cat "$f" && echo; done | git -C c hash-object -w --stdin) &&
	git -C c notes --ref=$TESTS add -f -C "$blob" "$rev" 2>/dev/null
}

# refused REASON: pushing the tests notes fails with REASON; no server ref moves; the clone is reset.
refused() {
	srv_refs before &&
	(cd c && git merge-base --is-ancestor "$(git -C ../srv.git rev-parse $TESTS)" $TESTS &&
	 test_must_fail git push origin $TESTS 2>../err) &&
	srv_refs after && test_cmp before after &&
	test_grep "remote: orch-hooks: push to .$TESTS. refused: the pushed notes change the test records of commit" err &&
	test_grep "$1" err &&
	git -C c update-ref $TESTS "$(git -C srv.git rev-parse $TESTS)"
}

test_expect_success 'setup: a gated server requiring tests; CI recorded a signed FAIL on a commit' '
	ssh-keygen -q -t ed25519 -N "" -C ci -f ci &&
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	echo "ci-runner $(cat ci.pub)" >srv.git/test_signers &&
	printf "[branches]\nprotected = main\n[server]\nallow_direct = true\nrequire_tests = true\ntest_signers = test_signers\n" \
		>srv.git/orch-hooks.ini &&
	git init -q c &&
	printf "[branches]\nprotected = main\n[test]\ncommand = sh check.sh\nsigning_key = %s\n" "$TRASH/ci" \
		>c/.git/orch-hooks.ini &&
	(cd c && git remote add origin "file://$TRASH/srv.git" &&
	 printf "grep -q good state\n" >check.sh && echo good >state && git add check.sh state &&
	 test_commit initial && orch-hooks test main 2>/dev/null && git push -q origin main $TESTS &&
	 git checkout -q -b feat main && echo bad >state && git add state && test_commit breaks &&
	 test_must_fail orch-hooks test feat 2>/dev/null &&
	 git push -q origin $TESTS) &&
	git -C srv.git notes --ref=$TESTS show "$(git -C c rev-parse feat)" >fail-note &&
	test_grep "^Tests: FAIL$" fail-note && test_grep "^Signature: " fail-note
'

test_expect_success 'the FAIL swapped for an older PASS, as a fast-forward, is refused' '
	record PASS feat 2026-01-01T10:00:00Z >old-pass &&
	note_is feat old-pass &&
	refused "the push drops the record .FAIL by .* for tree $(git -C c rev-parse --short=12 feat^{tree})" &&
	test_grep "merge -s union" err
'

test_expect_success 'a PASS dated before the FAIL, added beside it, is refused' '
	git -C c notes --ref=$TESTS show feat >cur && note_is feat cur old-pass &&
	refused "adds the record .PASS by someone dated 2026-01-01T10:00:00Z for tree .*, dated before the newest record it had"
'

test_expect_success 'a record dated in the future is refused' '
	record PASS feat 2099-01-01T10:00:00Z >future-pass &&
	git -C c notes --ref=$TESTS show feat >cur && note_is feat cur future-pass &&
	refused "adds the record .PASS by someone dated 2099-01-01T10:00:00Z.*dated in the future"
'

test_expect_success 'a note deleted, or rewritten out of the format, is refused' '
	git -C c notes --ref=$TESTS remove feat 2>/dev/null &&
	refused "the push deletes it" &&
	printf "Tests: PASS\n" >cut && note_is feat cut &&
	refused "the push is no longer in the test record format (the record has no Commit"
'

test_expect_success 'the FAIL still refuses the branch: the server kept it' '
	(cd c && git checkout -q main && git merge -q --no-ff -m "Merge branch feat" feat &&
	 test_must_fail orch-hooks test main 2>/dev/null &&
	 test_must_fail git push --atomic origin main $TESTS 2>../err &&
	 git reset -q --hard "$(git -C ../srv.git rev-parse main)") &&
	test_grep "refused: tests FAILED on its new tip" err
'

test_expect_success 'a new run added after the FAIL grows the note: accepted' '
	git -C c update-ref $TESTS "$(git -C srv.git rev-parse $TESTS)" &&
	(cd c && test_must_fail orch-hooks test feat 2>/dev/null &&
	 git notes --ref=$TESTS show feat >../two && test "$(grep -c "^Tests: FAIL$" ../two)" = 2 &&
	 git push origin $TESTS 2>../err) &&
	git -C c rev-parse $TESTS >expect && git -C srv.git rev-parse $TESTS >actual && test_cmp expect actual
'

test_expect_success 'records pushed as a create while the server has some are refused, not judged against none' '
	claiming_receive_pack claiming &&
	git -C c update-ref -d $TESTS &&
	record PASS feat 2026-01-01T10:00:00Z >pass-only && note_is feat pass-only &&
	srv_refs before &&
	(cd c && test_must_fail env CLAIM_REF=$TESTS git push --receive-pack="$TRASH/claiming" origin $TESTS 2>../err) &&
	srv_refs after && test_cmp before after &&
	test_grep "refused: the push claims the server.s test records are at 0000000" err
'

test_done
