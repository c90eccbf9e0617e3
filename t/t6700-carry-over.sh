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

BUNDLE="$ORCH_HOOKS_SRC/../shared/data/cjson.bundle"

# Two changes of cJSON (of 3,000 and 1,000 lines) where libgit2's diff places
# a hunk otherwise than git's does: their patch-ids differ. That only ever
# refuses a carry-over (both sides are computed by libgit2), never grants one.
KNOWN_DIFFERENT="ab77a80e9b861e7ca9677b3163c45bfe1ee7218b b7bfe1e91a0b55d72f849944d5a33b7962d7bf51"

if test -f "$BUNDLE"; then
test_expect_success 'on the real history of cJSON, the patch-ids are those of git patch-id --stable' '
	git clone -q --bare "$BUNDLE" cjson.git 2>/dev/null &&
	git -C cjson.git rev-list --no-merges HEAD >commits &&
	"$CO" --each cjson.git <commits | sort >ours &&
	git -C cjson.git log --no-merges -p --no-renames --format="commit %H" HEAD |
		git -C cjson.git patch-id --stable >theirs.all &&
	git -C cjson.git rev-list --max-parents=0 HEAD >roots &&
	grep -v -F -f roots theirs.all | sort >theirs &&
	test $(wc -l <theirs) -gt 900 &&
	comm -3 ours theirs | sed "s/^[[:space:]]*//" | cut -d" " -f2 | sort -u >different &&
	for c in $(cat different); do
		case " $KNOWN_DIFFERENT " in *" $c "*) ;; *) echo "patch-id of $c differs from git" && return 1 ;; esac
	done &&
	test $(wc -l <ours) = $(wc -l <theirs)
'
else
	test_skip 'cJSON patch-ids' "$BUNDLE is absent (an unpacked release tarball)"
fi

test_expect_success 'white space only: the same patch-id, yet no carry-over (the tree differs)' '
	(cd r && git checkout -q -b ws-reviewed main && printf "if ok:\n    run()\n" >w.py && git add w.py &&
	 git commit -q -m w && git checkout -q -b ws-edited main && printf "if ok:\nrun()\n" >w.py &&
	 git add w.py && git commit -q -m w && git checkout -q main) &&
	"$CO" --series "$TRASH/r" ws-reviewed main >a &&
	"$CO" --series "$TRASH/r" ws-edited main >b &&
	test_cmp a b &&
	co ws-reviewed ws-edited main >out &&
	echo no >expect && test_cmp expect out
'

test_expect_success 'an empty commit has no patch-id of a change: one more commit is no carry-over' '
	(cd r && git checkout -q -b with-empty main && git cherry-pick reviewed~1 >/dev/null &&
	 git commit -q --allow-empty -m empty && git cherry-pick reviewed >/dev/null && git checkout -q main) &&
	co reviewed with-empty main >out &&
	echo no >expect && test_cmp expect out
'

test_done
