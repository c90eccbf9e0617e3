#!/bin/sh
test_description='carry-over: a pure rebase keeps the changes (patch-ids), anything else does not'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

CO="$ORCH_HOOKS_BUILD/t/helper/carry-over"

if ! test -x "$CO"; then
	test_skip 'carry-over helper' "t/helper/carry-over is not built (make check builds it)"
	test_done
fi

co() {
	"$CO" "$TRASH/r" "$@"
}

test_expect_success 'setup: a reviewed branch of two commits, and the target moved on' '
	git init -q r &&
	(cd r && test_commit initial &&
	 git checkout -q -b feat && test_commit one a.txt && test_commit two b.txt &&
	 git branch reviewed && git checkout -q main && test_commit later later.txt)
'

test_expect_success 'the patch-ids are those of git patch-id --stable, oldest first' '
	"$CO" --series "$TRASH/r" feat main >ours &&
	(cd r && for c in $(git rev-list --reverse main..feat); do
		git show $c | git patch-id --stable | cut -d" " -f1 || exit 1
	 done) >theirs &&
	test $(wc -l <ours) = 2 &&
	test_cmp theirs ours
'

test_expect_success 'a pure rebase carries over' '
	(cd r && git checkout -q feat && git rebase -q main && git checkout -q main) &&
	co reviewed feat main >out &&
	echo carry-over >expect && test_cmp expect out
'

test_expect_success 'a commit is no carry-over of itself' '
	co reviewed reviewed main >out &&
	echo no >expect && test_cmp expect out
'

test_expect_success 'a changed, added, dropped or reordered commit does not carry over' '
	(cd r && git checkout -q -b edited feat && echo more >>b.txt && git commit -q -a --amend --no-edit &&
	 git checkout -q -b added feat && test_commit three c.txt &&
	 git checkout -q -b dropped main && git cherry-pick reviewed >/dev/null &&
	 git checkout -q -b reordered main && git cherry-pick reviewed reviewed~1 >/dev/null &&
	 git checkout -q main) &&
	for b in edited added dropped reordered; do
		co reviewed $b main >out && echo no >expect && test_cmp expect out || return 1
	done
'

test_expect_success 'a merge inside the series does not carry over' '
	(cd r && git checkout -q -b side main && test_commit side side.txt &&
	 git checkout -q -b withmerge main && git cherry-pick reviewed~1 >/dev/null &&
	 git merge -q --no-ff -m inner side && git cherry-pick reviewed >/dev/null &&
	 git checkout -q main) &&
	co reviewed withmerge main >out &&
	echo no >expect && test_cmp expect out
'

test_done
