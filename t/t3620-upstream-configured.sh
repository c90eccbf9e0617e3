#!/bin/sh
test_description='only the configured upstream of a protected branch is trusted as upstream'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# Two servers hold unreviewed commits on main: origin (main's configured
# upstream, whose own gate vouches for it) and evil (any other remote with a
# branch named main). Only origin's may reach main without a verdict.
test_expect_success 'setup: origin and evil each with an unreviewed commit on main' '
	git init -q --bare origin.git && git init -q --bare evil.git &&
	git init -q seed && (cd seed && test_commit initial &&
	 git push -q ../origin.git main && git push -q ../evil.git main) &&
	git clone -q origin.git r &&
	(cd r && orch-hooks install >/dev/null 2>&1 &&
	 git remote add evil ../evil.git &&
	 test "$(git config branch.main.remote)" = origin) &&
	(cd seed && test_commit upstream-work && git push -q ../origin.git main &&
	 git reset -q --hard HEAD^ && test_commit evil-work && git push -q -f ../evil.git main) &&
	(cd r && git fetch -q origin && git fetch -q evil && git rev-parse main >../main-before)
'

test_expect_success 'git pull --ff-only from another remote with a main is undone' '
	(cd r && git pull --ff-only evil main 2>../err && git rev-parse main >../main-after) &&
	test_cmp main-before main-after &&
	test_grep "MERGE REFUSED: the fast-forward of .main." err &&
	test_grep ! "update from upstream" err
'

test_expect_success 'git merge --ff-only evil/main is undone too' '
	(cd r && git merge --ff-only evil/main 2>../err && git rev-parse main >../main-after) &&
	test_cmp main-before main-after &&
	test_grep "has no verdict" err
'

test_expect_success 'git pull --ff-only from the configured upstream lands' '
	(cd r && git pull --ff-only 2>../err && git rev-parse main >../main-after &&
	 git rev-parse origin/main >../origin-main) &&
	test_cmp origin-main main-after &&
	test_grep "which .origin/main. already has: an update from upstream" err
'

test_expect_success 'a merge commit pulling evil main is refused before it is made' '
	(cd r && git rev-parse main >../main-before &&
	 test_must_fail git pull --no-rebase --no-edit evil main 2>../err &&
	 git merge --abort && git rev-parse main >../main-after) &&
	test_cmp main-before main-after &&
	test_grep "merge into protected branch .main. refused" err &&
	test_grep ! "comes from upstream" err
'

test_expect_success 'a merge commit pulling the configured upstream passes' '
	(cd seed && git fetch -q ../origin.git main &&
	 git reset -q --hard FETCH_HEAD && test_commit more-upstream && git push -q ../origin.git main) &&
	(cd r && git checkout -q -b feat && test_commit feat && git checkout -q main &&
	 orch-hooks verdict set PASS feat 2>/dev/null && git merge -q --no-ff -m "land feat" feat &&
	 git pull --no-rebase --no-edit 2>../err && git rev-parse main^2 >../second &&
	 git rev-parse origin/main >../origin-main) &&
	test_cmp origin-main second &&
	test_grep "comes from upstream .origin/main.: merged without a verdict of its own" err
'

test_expect_success 'with no branch.main.remote, not even origin is upstream' '
	(cd seed && git fetch -q ../origin.git main && git reset -q --hard FETCH_HEAD &&
	 test_commit later && git push -q ../origin.git main) &&
	(cd r && git fetch -q origin && git config --unset branch.main.remote &&
	 test_must_fail git merge --no-edit origin/main 2>../err && git merge --abort &&
	 git config branch.main.remote origin) &&
	test_grep "merge into protected branch .main. refused" err
'

test_done
