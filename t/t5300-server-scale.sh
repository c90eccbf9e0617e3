#!/bin/sh
test_description='the server gate at scale: a whole history of 2,000 reviewed merges in one push'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

MERGES=${ORCH_SCALE_MERGES:-2000}

# make_history: the benchmarks' synthetic history (a root commit, then
# branches s1, s2, ... of 5 commits each merged into main with --no-ff, and
# a PASS verdict on every merged tip), built with git fast-import.
. "$ORCH_HOOKS_SRC/bench/history.sh"

# elapsed CMD...: run CMD, then write the whole seconds it took to ./seconds.
elapsed() {
	start=$(date +%s) &&
	"$@" &&
	echo $(( $(date +%s) - start )) >"$TRASH/seconds"
}

test_expect_success "setup: a history of $MERGES reviewed merges, built with fast-import" '
	make_history src "$MERGES" &&
	git -C src rev-list --merges main >merges && test $(wc -l <merges) -eq "$MERGES" &&
	git -C src notes --ref=refs/notes/verdicts list >notes-list &&
	test $(wc -l <notes-list) -eq "$MERGES"
'

# A gated repository whose main holds the root commit (adopted as the
# baseline), so that the push after it is judged commit by commit.
gated_repo_at_root() {
	git init -q --bare "$1" &&
	orch-hooks install --server "$1" 2>/dev/null &&
	root=$(git -C src rev-list --max-parents=0 main) &&
	git -C src push -q "file://$TRASH/$1" "$root:refs/heads/main" 2>/dev/null
}

# Its time is printed, never asserted: the machine may be loaded. make bench-check
# guards the cost in instructions.
test_expect_success 'the whole history in one push to a gated repository is accepted' '
	gated_repo_at_root srv.git &&
	(cd src && elapsed git push -q --atomic "file://$TRASH/srv.git" main refs/notes/verdicts 2>../err) &&
	test_grep "remote: orch-hooks: .main.: $((MERGES * 6)) commits new to protected branches, the verdicts of $MERGES merges checked: accepted" err &&
	say "push of $MERGES merges took $(cat seconds)s" &&
	git -C src rev-parse main refs/notes/verdicts >expect &&
	git -C srv.git rev-parse main refs/notes/verdicts >actual &&
	test_cmp expect actual
'

test_expect_success 'the same push with one note missing is refused, naming that merge' '
	merge=$(sed -n "$((MERGES / 2))p" merges) &&
	tip=$(git -C src rev-parse "$merge^2") &&
	git -C src notes --ref=refs/notes/verdicts remove "$tip" 2>/dev/null &&
	gated_repo_at_root srv2.git &&
	(cd src && test_must_fail elapsed git push --atomic "file://$TRASH/srv2.git" main refs/notes/verdicts 2>../err) &&
	test_grep "remote: orch-hooks:   merge $merge merges $tip (.s[0-9]*.): no verdict" err &&
	test $(grep -c "remote: orch-hooks:   merge " err) -eq 1 &&
	git -C src rev-list --max-parents=0 main >expect &&
	git -C srv2.git rev-parse main >actual &&
	test_cmp expect actual
'

test_done
