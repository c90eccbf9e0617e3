#!/bin/sh
test_description='sharing verdicts: install configures fetching the notes, orch-hooks sync merges and pushes them'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# record CLONE REV VERDICT DATE: a reviewer's record written by hand, appended to
# whatever the note already holds, so the Date is under the test's control.
record() {
	oid=$(git -C "$1" rev-parse "$2") &&
	tree=$(git -C "$1" rev-parse "$2^{tree}") &&
	git -C "$1" notes --ref=refs/notes/verdicts append -m "Verdict: $3
Commit: $oid
Tree: $tree
Reviewer: reviewer in $1
Date: $4

$3 from $1 at $4" "$2"
}

# server_has_verdicts_of CLONE: the server's verdicts ref is CLONE's (in expect).
server_has_verdicts_of() {
	git -C "$1" rev-parse refs/notes/verdicts >expect &&
	git -C srv.git rev-parse refs/notes/verdicts >actual &&
	test_cmp expect actual
}

test_expect_success 'setup: a gated server and two clones' '
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	git init -q seed &&
	(cd seed && test_commit initial &&
	 git checkout -q -b feat && test_commit f1 && git checkout -q -b feat2 main && test_commit f2 &&
	 git checkout -q main &&
	 git push -q "file://$TRASH/srv.git" main feat feat2 2>/dev/null) &&
	git clone -q "file://$TRASH/srv.git" a &&
	git clone -q "file://$TRASH/srv.git" b
'

test_expect_success 'install on a clone makes git fetch bring the notes, once, without touching push' '
	(cd a && orch-hooks install 2>../err && orch-hooks install 2>/dev/null) &&
	test_grep "git fetch origin. now also fetches its verdicts" err &&
	git -C a config --get-all remote.origin.fetch >actual &&
	printf "%s\n" "+refs/heads/*:refs/remotes/origin/*" "+refs/notes/*:refs/notes/remotes/origin/*" >expect &&
	test_cmp expect actual &&
	test_must_fail git -C a config --get-all remote.origin.push &&
	(cd b && orch-hooks install 2>/dev/null)
'

test_expect_success 'a plain git fetch works while the server has no notes yet' '
	(cd a && git fetch 2>../err) &&
	test_must_fail git -C a rev-parse --verify -q refs/notes/remotes/origin/verdicts
'

test_expect_success 'a plain git push still pushes only the branch' '
	record a origin/feat PASS 2026-01-01T10:00:00Z &&
	(cd a && git checkout -q -b mine && test_commit mine && git push -q origin mine 2>/dev/null && git checkout -q main) &&
	test_must_fail git -C srv.git rev-parse --verify -q refs/notes/verdicts
'

test_expect_success 'sync pushes verdicts to a server that has none' '
	(cd a && orch-hooks sync 2>../err) &&
	test_grep "origin. has no verdicts yet" err &&
	test_grep "pushed refs/notes/verdicts to .origin." err &&
	server_has_verdicts_of a
'

test_expect_success 'a plain git fetch now brings them into the remote-tracking notes ref' '
	(cd b && git fetch -q 2>/dev/null) &&
	git -C b rev-parse refs/notes/remotes/origin/verdicts >actual &&
	test_cmp expect actual
'

test_expect_success 'two clones judge the same commit: sync merges them without a conflict' '
	record b origin/feat FAIL 2026-01-01T11:00:00Z &&
	(cd b && orch-hooks sync 2>../err) &&
	test_grep "merged the verdicts of .origin. into refs/notes/verdicts" err &&
	test_must_fail test -e b/.git/NOTES_MERGE_PARTIAL &&
	test_must_fail test -e b/.git/NOTES_MERGE_REF &&
	git -C b notes --ref=refs/notes/verdicts show origin/feat >note &&
	test_grep "^Verdict: PASS$" note &&
	test_grep "^Verdict: FAIL$" note &&
	server_has_verdicts_of b
'

test_expect_success 'the newest Date decides: the later FAIL wins in both clones' '
	(cd a && orch-hooks sync 2>/dev/null) &&
	git -C a rev-parse refs/notes/verdicts >actual &&
	test_cmp expect actual &&
	(cd a && test_must_fail orch-hooks verdict show origin/feat >../out) &&
	test_grep "FAIL (FAIL from b at 2026-01-01T11:00:00Z)" out &&
	(cd b && test_must_fail orch-hooks verdict show origin/feat >../out) &&
	test_grep "FAIL (FAIL from b at 2026-01-01T11:00:00Z)" out
'

test_expect_success 'the server gate judges the merged note the same way' '
	(cd a && ORCH_HOOKS_SKIP="the server decides" git merge -q --no-ff -m "Merge branch '\''feat'\''" origin/feat 2>/dev/null &&
	 test_must_fail git push origin main 2>../err) &&
	test_grep "merges $(git -C a rev-parse origin/feat) (.feat.): FAIL: FAIL from b at 2026-01-01T11:00:00Z" err
'

test_expect_success 'a newer PASS from either side then decides' '
	record a origin/feat PASS 2026-01-01T12:00:00Z &&
	(cd a && orch-hooks sync 2>/dev/null && orch-hooks verdict show origin/feat >../out) &&
	test_grep "PASS" out &&
	(cd a && git push origin main 2>../err) &&
	test_grep "accepted" err &&
	(cd b && orch-hooks sync 2>/dev/null && orch-hooks verdict show origin/feat >/dev/null)
'

test_expect_success 'a PASS and a FAIL of the same Date merge into a FAIL' '
	record a origin/feat2 PASS 2026-01-02T09:00:00Z &&
	record b origin/feat2 FAIL 2026-01-02T09:00:00Z &&
	(cd a && orch-hooks sync 2>/dev/null) &&
	(cd b && orch-hooks sync 2>/dev/null) &&
	(cd a && orch-hooks sync 2>/dev/null) &&
	git -C a rev-parse refs/notes/verdicts >expect &&
	git -C b rev-parse refs/notes/verdicts >actual &&
	test_cmp expect actual &&
	(cd a && test_must_fail orch-hooks verdict show origin/feat2 >../out) &&
	test_grep "FAIL (FAIL from b at 2026-01-02T09:00:00Z)" out
'

test_expect_success 'sync with nothing new on either side changes nothing' '
	git -C a rev-parse refs/notes/verdicts >before &&
	(cd a && orch-hooks sync 2>/dev/null) &&
	git -C a rev-parse refs/notes/verdicts >after &&
	test_cmp before after
'

test_expect_success 'sync names an unknown remote' '
	(cd a && test_must_fail orch-hooks sync nowhere 2>../err) &&
	test_grep "there is no remote .nowhere. here" err
'

test_done
