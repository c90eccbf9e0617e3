#!/bin/sh
test_description='the test gate never runs the same test command twice on the same tree'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# policy COMMAND [REUSE]: the test command counts its runs in $TRASH/runs.
policy() {
	printf "[branches]\nprotected = main\n[test]\ncommand = %s\nreuse = %s\n" "$1" "${2:-true}" \
		>r/.git/orch-hooks.ini
}
runs() {
	wc -l <"$TRASH/runs" 2>/dev/null || echo 0
}

test_expect_success 'setup' '
	new_repo r &&
	(cd r && git branch start && for b in b1 b2 b3; do branch_with_commit $b $b.t || exit 1; done &&
	 for b in b1 b2 b3; do orch-hooks verdict set PASS $b 2>/dev/null || exit 1; done) &&
	policy "echo run >>\"$TRASH/runs\""
'

test_expect_success 'the first merge of a tree runs the tests and keeps the PASS on the tree' '
	(cd r && git merge --no-ff -m "merge b1" b1 2>../err &&
	 git notes --ref=refs/notes/tests show "HEAD^{tree}" >../tree-note) &&
	test $(runs) = 1 &&
	test_grep "^Tests: PASS$" tree-note
'

test_expect_success 'the same tree merged again reuses the result and says so' '
	(cd r && git reset -q --hard start && test_tick &&
	 git merge --no-ff -m "merge b1 again" b1 2>../err &&
	 git notes --ref=refs/notes/tests show HEAD >../note) &&
	test $(runs) = 1 &&
	test_grep "REUSED the result recorded for this very tree" err &&
	test_grep "^Action: reused$" note
'

test_expect_success 'another test command runs again' '
	policy "echo other >>\"$TRASH/runs\"" &&
	(cd r && git reset -q --hard start && test_tick && git merge --no-ff -m m b1 2>../err) &&
	test $(runs) = 2 &&
	test_grep ! "REUSED" err
'

test_expect_success '[test] reuse = false always runs the tests' '
	policy "echo other >>\"$TRASH/runs\"" false &&
	(cd r && git reset -q --hard start && test_tick && git merge --no-ff -m m b1 2>../err) &&
	test $(runs) = 3
'

test_expect_success 'a failure is never reused' '
	policy "echo fail >>\"$TRASH/runs\"; false" &&
	(cd r && git reset -q --hard start && test_tick && git merge --no-ff -m m b2 2>/dev/null &&
	 git rev-parse HEAD >../after && test_tick && git merge --no-ff -m m b2 2>../err) &&
	git -C r rev-parse start >expect && test_cmp expect after &&
	test $(runs) = 5 &&
	test_grep "TESTS FAILED" err
'

test_expect_success 'land of branches whose merges were tested already runs no test' '
	policy "echo run >>\"$TRASH/runs\"" &&
	(cd r && git reset -q --hard start &&
	 orch-hooks land b1 b3 >../out1 2>/dev/null) &&
	before=$(runs) &&
	(cd r && git reset -q --hard start &&
	 orch-hooks land b1 b3 >../out2 2>../err) &&
	test $(runs) = "$before" &&
	test_grep "^b3 .*PASS (reused) .* landed$" out2
'

test_expect_success 'tests run on a work tree with uncommitted work: the PASS is not kept for the tree' '
	policy "echo run >>\"$TRASH/runs\"" &&
	before=$(runs) &&
	(cd r && git reset -q --hard start && test_tick && echo "my edit" >>initial.t &&
	 git merge --no-ff -m "merge b2, dirty" b2 2>../err &&
	 git notes --ref=refs/notes/tests show HEAD >../note &&
	 test_must_fail git notes --ref=refs/notes/tests show "HEAD^{tree}" &&
	 git checkout -q -- initial.t) &&
	test $(runs) = $((before + 1)) &&
	test_grep "^Tests: PASS$" note &&
	test_grep "^Worktree: differed from the commit" note &&
	test_grep "not kept for reuse: the tests ran on a work tree that differed from the commit" err
'

test_expect_success '... so the same tree, merged clean, is tested again; an untracked file counts too' '
	before=$(runs) &&
	(cd r && git reset -q --hard start && test_tick && echo x >untracked.txt &&
	 git merge --no-ff -m "merge b2, untracked file" b2 2>../err &&
	 test_must_fail git notes --ref=refs/notes/tests show "HEAD^{tree}" && rm untracked.txt) &&
	test $(runs) = $((before + 1)) &&
	test_grep ! "REUSED" err &&
	(cd r && git reset -q --hard start && test_tick &&
	 git merge --no-ff -m "merge b2, clean" b2 2>../err &&
	 git notes --ref=refs/notes/tests show "HEAD^{tree}" >../tree-note) &&
	test $(runs) = $((before + 2)) &&
	test_grep ! "REUSED" err &&
	test_grep "^Tests: PASS$" tree-note
'

test_expect_success 'the records on the merge and on its tree go in one notes commit, on the last one' '
	policy "echo run >>\"$TRASH/runs\"" &&
	(cd r && git reset -q --hard start && test_tick && branch_with_commit b4 b4.t &&
	 orch-hooks verdict set PASS b4 2>/dev/null &&
	 git rev-parse refs/notes/tests >../notes-before &&
	 git merge --no-ff -m "merge b4" b4 2>../err &&
	 git rev-parse "refs/notes/tests^" >../notes-parent &&
	 git notes --ref=refs/notes/tests show HEAD >../note &&
	 git notes --ref=refs/notes/tests show "HEAD^{tree}" >../tree-note) &&
	test_cmp notes-before notes-parent &&
	test_grep "^Tests: PASS$" note &&
	test_cmp note tree-note
'

test_expect_success 'a record goes into the fan-out directory of the notes tree where there is one' '
	(cd r && git reset -q --hard start && test_tick && branch_with_commit b5 b5.t &&
	 orch-hooks verdict set PASS b5 2>/dev/null &&
	 tree=$(git merge-tree --write-tree main b5) &&
	 prefix=$(echo "$tree" | cut -c1-2) && other=$(printf "%038d" 0) &&
	 blob=$(echo "another object'"'"'s note" | git hash-object -w --stdin) &&
	 sub=$(printf "100644 blob %s\t%s\n" "$blob" "$other" | git mktree) &&
	 root=$({ git ls-tree refs/notes/tests && printf "040000 tree %s\t%s\n" "$sub" "$prefix"; } | git mktree) &&
	 git update-ref refs/notes/tests "$(git commit-tree -p refs/notes/tests -m fan-out "$root")" &&
	 git merge --no-ff -m "merge b5" b5 2>../err &&
	 test "$(git rev-parse "HEAD^{tree}")" = "$tree" &&
	 git ls-tree --name-only -r refs/notes/tests >../paths &&
	 git notes --ref=refs/notes/tests show "$tree" >../tree-note &&
	 echo "$prefix/$(echo "$tree" | cut -c3-)" >../in-dir && echo "$prefix/$other" >../kept &&
	 echo "$tree" >../at-root && git notes --ref=refs/notes/tests show HEAD >../note) &&
	test_grep "^Tests: PASS$" tree-note &&
	grep -x -f in-dir paths && grep -x -f kept paths && ! grep -x -f at-root paths &&
	test_cmp tree-note note
'

test_done
