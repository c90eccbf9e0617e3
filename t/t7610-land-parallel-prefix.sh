#!/bin/sh
test_description='land-prefix: the prefix merges of a queue, built as sequential land makes them, touching nothing'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

PREFIX="$ORCH_HOOKS_BUILD/t/helper/land-prefix"

# expect_rc N CMD...: CMD must exit with status N.
expect_rc() {
	want=$1 && shift
	"$@"
	got=$?
	test "$got" = "$want" || { echo "exit status $got, not $want: $*" >&2; return 1; }
}

# snapshot DIR FILE: every ref, HEAD, the index and the work tree's status.
snapshot() {
	(cd "$1" && git for-each-ref --format="%(refname) %(objectname)" &&
	 git rev-parse HEAD && git symbolic-ref HEAD && git ls-files -s && git status --porcelain) >"$2"
}

test_expect_success 'setup: three reviewed branches, a stack, an unreviewed, a rejected and a conflicting one' '
	new_repo r &&
	(cd r && test_commit shared shared.txt base &&
	 for b in b1 b2 b3; do branch_with_commit $b $b.txt || exit 1; done &&
	 git checkout -q -b s1 main && test_commit s1 s1.txt && git checkout -q -b s2 && test_commit s2 s2.txt &&
	 git checkout -q main && branch_with_commit nov nov.txt && branch_with_commit bad bad.txt &&
	 git checkout -q -b c1 main && test_commit c1 shared.txt one && git checkout -q main &&
	 for b in b1 b2 b3 s1 s2 c1; do orch-hooks verdict set PASS $b || exit 1; done &&
	 orch-hooks verdict set FAIL bad -m "not wanted") 2>/dev/null
'

test_expect_success 'the prefix merges are the very commits sequential land makes (same ids)' '
	(cd r && git branch start main && snapshot . ../before &&
	 "$PREFIX" main b1 b2 b3 >../steps && snapshot . ../after) &&
	test_cmp before after &&
	cut -d" " -f1,2,5 steps >kinds &&
	printf "merged 1 PASS\nmerged 2 PASS\nmerged 3 PASS\n" >expect && test_cmp expect kinds &&
	(cd r && orch-hooks land b1 b2 b3 >/dev/null 2>&1 &&
	 git rev-list --first-parent --reverse start..main >../landed) &&
	cut -d" " -f3 steps >built && test_cmp landed built &&
	(cd r && git cat-file commit main >../landed-commit && git rev-parse "main^{tree}" >../landed-tree) &&
	sed -n 3p steps | cut -d" " -f4 >built-tree && test_cmp landed-tree built-tree &&
	test_grep "^Merge branch .b3. into main (orch-hooks land 3/3)$" landed-commit &&
	(cd r && git reset -q --hard start)
'

test_expect_success 'a branch already in the prefix below needs no merge and no verdict' '
	(cd r && "$PREFIX" main s2 s1 b1 >../steps) &&
	cut -d" " -f1,2 steps >kinds &&
	printf "merged 1\nalready-landed 1\nmerged 2\n" >expect && test_cmp expect kinds &&
	sed -n 1p steps | cut -d" " -f3 >m1 && sed -n 2p steps | cut -d" " -f3 >m2 && test_cmp m1 m2
'

test_expect_success 'an unreviewed branch stops the build at its place' '
	(cd r && snapshot . ../before && expect_rc 1 "$PREFIX" main b1 nov b2 >../steps &&
	 snapshot . ../after) &&
	test_cmp before after &&
	test $(grep -c "^[a-z]" steps) = 2 &&
	sed -n 2p steps >stop && test_grep "^not-reviewed 1 - - no verdict$" stop &&
	test_grep "^  no verdict" steps
'

test_expect_success 'a FAIL verdict stops it as rejected' '
	(cd r && expect_rc 1 "$PREFIX" main bad b1 >../steps) &&
	test_grep "^rejected 0 - - FAIL$" steps && test $(grep -c "^[a-z]" steps) = 1
'

test_expect_success 'a conflict stops it at the conflicting branch; nothing is left behind' '
	(cd r && git checkout -q -b c0 main && test_commit c0 shared.txt zero && git checkout -q main &&
	 orch-hooks verdict set PASS c0 2>/dev/null && snapshot . ../before &&
	 expect_rc 1 "$PREFIX" main b1 c0 b2 c1 b3 >../steps && snapshot . ../after) &&
	test_cmp before after &&
	cut -d" " -f1,2 steps | grep -v "^ " >kinds &&
	printf "merged 1\nmerged 2\nmerged 3\nconflict 3\n" >expect && test_cmp expect kinds &&
	test_grep "merging .c1. (.*) onto .* stops with conflicts" steps
'

test_expect_success 'a branch that moved past its reviewed commit does not merge (stale)' '
	(cd r && git checkout -q b1 && test_commit more more.txt && git checkout -q main &&
	 expect_rc 1 "$PREFIX" main b1 >../steps) &&
	test_grep "^not-reviewed 0 - - stale verdict$" steps && test_grep "for the earlier commit" steps
'

test_done
