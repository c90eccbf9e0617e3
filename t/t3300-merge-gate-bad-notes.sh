#!/bin/sh
test_description='the merge gate with broken verdict notes: refused with the reason, nothing committed'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

NOTES=refs/notes/verdicts

# use_note FILE: FILE, byte for byte, becomes feat's note.
use_note() {
	blob=$(git -C r hash-object -w --stdin <"$1") &&
	git -C r notes --ref=$NOTES add -f -C "$blob" feat 2>/dev/null
}

# notes_tree_with ENTRY...: a notes commit whose tree holds these
# "MODE TYPE OID<TAB>NAME" lines, and the notes ref pointing at it.
notes_tree_with() {
	tree=$(printf "%s\n" "$@" | git -C r mktree) &&
	commit=$(git -C r commit-tree -m "hand-made notes" "$tree") &&
	git -C r update-ref $NOTES "$commit"
}

# restore_notes: the good notes ref saved in setup.
restore_notes() {
	git -C "$TRASH/r" update-ref $NOTES "$(cat "$TRASH/good-notes")" &&
	(cd "$TRASH/r" && { git merge --abort 2>/dev/null; true; })
}

# refused KIND DETAIL: a merge of feat into main is refused by
# pre-merge-commit and, concluded with git commit, by prepare-commit-msg,
# naming the branch, the commit, KIND and DETAIL; main does not move.
# verdict show says the same ("KIND (DETAIL)").
refused() {
	(cd r && git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m "merge feat" feat 2>../err &&
	 git rev-parse HEAD >../after) &&
	test_cmp before after &&
	test_grep "merge into protected branch .main. refused" err &&
	test_grep -e "'feat' at commit $feat: $1: $2" err &&
	test_grep "nothing was committed; to clean up: git merge --abort" err &&
	(cd r && test_must_fail git commit -q --no-edit 2>../err &&
	 git rev-parse HEAD >../after && git merge --abort) &&
	test_cmp before after &&
	test_grep -e "'feat' at commit $feat: $1: $2" err &&
	(cd r && test_must_fail orch-hooks verdict show feat >../out) &&
	test_grep -e "feat: $1 ($2" out
}

test_expect_success 'setup: feat with a PASS verdict, and the good notes saved' '
	new_repo r &&
	(cd r && branch_with_commit feat f1 && branch_with_commit other f2 &&
	 orch-hooks verdict set PASS other 2>/dev/null &&
	 orch-hooks verdict set PASS feat 2>/dev/null &&
	 git notes --ref=$NOTES show feat >../pass-note &&
	 git rev-parse $NOTES >../good-notes) &&
	feat=$(git -C r rev-parse feat) && echo "$feat" >feat-oid
'
feat=$(cat feat-oid 2>/dev/null)

test_expect_success 'control: with the good note the merge goes through' '
	(cd r && git merge --no-ff -q -m "merge feat" feat && git reset -q --hard HEAD^)
'

test_expect_success 'a tree where the note would be is no note, as git reads it: refused' '
	test_when_finished restore_notes &&
	empty=$(git -C r mktree </dev/null) &&
	notes_tree_with "040000 tree $empty	$feat" &&
	test_must_fail git -C r notes --ref=$NOTES show feat &&
	(cd r && test_must_fail git merge --no-ff -m "merge feat" feat 2>../err && git merge --abort) &&
	test_grep -e "'"'feat'"' at commit $feat: no verdict" err
'

test_expect_success 'a note over 1 MiB is refused as unreadable, without hanging' '
	test_when_finished restore_notes &&
	{ cat pass-note && head -c 2000000 /dev/zero | tr "\\0" x; } >huge &&
	use_note huge &&
	refused "note cannot be read" "the note is larger than 1 MiB: 2000[0-9]* bytes"
'

test_expect_success 'a note holding a NUL byte is refused' '
	test_when_finished restore_notes &&
	{ cat pass-note && printf "more\\0text\\n"; } >nul &&
	use_note nul &&
	refused "unreadable verdict" "the note holds a NUL byte"
'

test_expect_success 'a PASS note with CRLF line ends is accepted' '
	test_when_finished restore_notes &&
	sed "s/\$/\\r/" pass-note >crlf &&
	test $(tr -d -c "\\r" <crlf | wc -c) -gt 5 &&
	use_note crlf &&
	(cd r && orch-hooks verdict show feat >../out &&
	 git merge --no-ff -q -m "merge feat" feat && git reset -q --hard HEAD^) &&
	test_grep "feat: PASS" out
'

test_expect_success 'a PASS note whose Commit names another commit is refused' '
	test_when_finished restore_notes &&
	git -C r notes --ref=$NOTES show other >copied &&
	use_note copied &&
	refused "verdict copied from another commit" "the note says Commit $(git -C r rev-parse other)"
'

test_expect_success 'two Verdict lines in one record are refused' '
	test_when_finished restore_notes &&
	{ echo "Verdict: FAIL" && cat pass-note; } >two &&
	use_note two &&
	refused "unreadable verdict" "two .Verdict. lines in one record"
'

test_expect_success 'the notes ref pointing at a blob is refused, naming the ref' '
	test_when_finished restore_notes &&
	git -C r update-ref $NOTES "$(git -C r hash-object -w --stdin <pass-note)" &&
	refused "note cannot be read" "the notes ref .$NOTES. points at a blob, not a commit"
'

test_expect_success 'the notes ref pointing at a tree is refused, naming the ref' '
	test_when_finished restore_notes &&
	git -C r update-ref $NOTES "$(git -C r rev-parse feat^{tree})" &&
	refused "note cannot be read" "the notes ref .$NOTES. points at a tree, not a commit"
'

test_expect_success 'the notes ref naming a commit missing from the object store is refused' '
	test_when_finished restore_notes &&
	git -C r pack-refs --all &&
	echo 0123456789abcdef0123456789abcdef01234567 >r/.git/$NOTES &&
	refused "note cannot be read" "the notes ref .$NOTES. points at 0123456789ab, which is missing"
'

test_expect_success 'status and land say the note cannot be read; land merges nothing' '
	test_when_finished "restore_notes; rm -f \"$TRASH/r/.git/orch-hooks-land\"" &&
	git -C r update-ref $NOTES "$(git -C r rev-parse feat^{tree})" &&
	(cd r && orch-hooks status --json >../out && git rev-parse HEAD >../before &&
	 test_must_fail orch-hooks land feat 2>../err && git rev-parse HEAD >../after &&
	 { orch-hooks land --abort 2>/dev/null; true; }) &&
	test_grep "\"verdict\": \"invalid\", \"detail\": \"the notes ref .$NOTES. points at a tree, not a commit\"" out &&
	test_grep "feat. (.*) cannot land: note cannot be read: the notes ref .$NOTES. points at a tree" err &&
	test_cmp before after
'

test_expect_success 'verdict set refuses to start a new notes history over a broken ref' '
	test_when_finished restore_notes &&
	blob=$(git -C r hash-object -w --stdin <pass-note) &&
	git -C r update-ref $NOTES "$blob" &&
	(cd r && test_must_fail orch-hooks verdict set PASS feat 2>../err) &&
	test_grep "cannot write the verdict note of .*; repair the notes ref first" err &&
	test_grep "points at a blob, not a commit" err &&
	echo "$blob" >expect && git -C r rev-parse $NOTES >actual && test_cmp expect actual
'

test_expect_success 'a notes commit whose tree is missing (a corrupt notes tree) is refused' '
	test_when_finished restore_notes &&
	notes_tree_with "100644 blob $(git -C r hash-object -w --stdin <pass-note)	$feat" &&
	tree=$(git -C r rev-parse $NOTES^{tree}) &&
	obj=r/.git/objects/$(echo $tree | cut -c1-2)/$(echo $tree | cut -c3-) &&
	test -f "$obj" && rm -f "$obj" &&
	refused "note cannot be read" "the notes tree [0-9a-f]* cannot be read, a corrupt repository?" &&
	(cd r && test_must_fail orch-hooks verdict set PASS feat 2>../err) &&
	test_grep "cannot write the verdict note" err
'

test_expect_success 'a note whose blob is missing is refused as unreadable' '
	test_when_finished restore_notes &&
	{ cat pass-note && echo "one of a kind"; } >unique &&
	use_note unique &&
	blob=$(git -C r rev-parse $NOTES:$feat) &&
	rm -f r/.git/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	refused "note cannot be read" "the note [0-9a-f]* cannot be read, a corrupt repository?"
'

test_expect_success 'a note in a fan-out subtree (as git writes many notes) is found' '
	test_when_finished restore_notes &&
	blob=$(git -C r hash-object -w --stdin <pass-note) &&
	rest=$(echo $feat | cut -c3-) && fan=$(echo $feat | cut -c1-2) &&
	sub=$(printf "100644 blob %s\t%s\n" $blob $rest | git -C r mktree) &&
	notes_tree_with "040000 tree $sub	$fan" &&
	git -C r notes --ref=$NOTES show feat >shown && test_cmp pass-note shown &&
	(cd r && orch-hooks verdict show feat >../out) &&
	test_grep "feat: PASS" out
'

test_expect_success 'after all that, the good notes still let feat in' '
	(cd r && git merge --no-ff -q -m "merge feat" feat && git rev-parse HEAD^2 >../merged) &&
	echo $feat >expect && test_cmp expect merged
'

test_done
