#!/bin/sh
test_description='adopting orch-hooks on a project with history (cJSON), its real merges through the content rule, and abuse of the adoption'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

BUNDLE="$ORCH_HOOKS_SRC/../shared/data/cjson.bundle"
AUTOMERGE="$ORCH_HOOKS_BUILD/t/helper/automerge"

srv_refs() {
	git -C "$TRASH/$1" for-each-ref --format='%(objectname) %(refname)' >"$2"
}

if [ ! -f "$BUNDLE" ]; then
	test_skip 'the cJSON history' "no $BUNDLE here (an unpacked distribution tarball has no ../shared)"
	test_done
fi

test_expect_success 'setup: a clone of cJSON, and an empty gated bare repository' '
	git clone -q --no-checkout "$BUNDLE" cj 2>/dev/null &&
	(cd cj && git checkout -q -B main HEAD) &&
	git -C cj rev-list --first-parent --merges main >merges &&
	test $(wc -l <merges) = 121 &&
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null
'

test_expect_success 'the whole history is adopted by its first push, the documented way' '
	(cd cj && git push "file://$TRASH/srv.git" main 2>../err) &&
	test_grep "remote: orch-hooks: .main.: adopted: the 1108 commits of its history are the baseline" err &&
	git -C cj rev-parse main >expect && git -C srv.git rev-parse main >actual && test_cmp expect actual
'

test_expect_success 'after adoption, a reviewed merge is accepted and a hand-made one refused' '
	(cd cj && git remote set-url origin "file://$TRASH/srv.git" &&
	 git checkout -q -b fix main && echo "/* reviewed */" >>cJSON.h && git commit -q -am fix &&
	 git checkout -q main && orch-hooks verdict set PASS fix 2>/dev/null &&
	 git merge -q --no-ff --no-edit fix &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "verdicts of 1 merge checked: accepted" err &&
	(cd cj && git checkout -q -b fix2 main && echo "/* reviewed 2 */" >>cJSON.h && git commit -q -am fix2 &&
	 git checkout -q main && orch-hooks verdict set PASS fix2 2>/dev/null &&
	 git merge -q --no-ff --no-commit fix2 && echo "int evil;" >>cJSON.c && git add cJSON.c &&
	 git commit -q --no-edit && srv_refs srv.git ../before &&
	 test_must_fail git push --atomic origin main refs/notes/verdicts 2>../err &&
	 git reset -q --hard HEAD^) &&
	srv_refs srv.git after && test_cmp before after &&
	test_grep "carries changes of its own" err &&
	test_grep "automatic merge: cJSON.c" err
'

test_expect_success 'pushing the history into a repository that already has a protected branch is refused, saying how to adopt' '
	git init -q --bare late.git &&
	orch-hooks install --server late.git 2>/dev/null &&
	git init -q other && (cd other && test_commit other && git push -q "file://$TRASH/late.git" main 2>/dev/null) &&
	(cd cj && test_must_fail git push "file://$TRASH/late.git" main:refs/heads/master 2>../err) &&
	test_grep "and [0-9]* more" err &&
	test_grep "to adopt orch-hooks on a project with history, push it into a repository that has no protected branch yet" err
'

test_expect_success 'abuse: a second protected branch (a wildcard) is no adoption' '
	git init -q --bare wild.git &&
	orch-hooks install --server wild.git 2>/dev/null &&
	printf "[branches]\nprotected = main release/*\n" >wild.git/orch-hooks.ini &&
	(cd other && git push -q "file://$TRASH/wild.git" main 2>/dev/null &&
	 git checkout -q -b ok && test_commit reviewed-one && git checkout -q main &&
	 orch-hooks verdict set PASS ok 2>/dev/null &&
	 git push -q "file://$TRASH/wild.git" ok refs/notes/verdicts 2>/dev/null &&
	 git checkout -q --orphan evil && git rm -q -rf . && test_commit anything &&
	 srv_refs wild.git ../before &&
	 test_must_fail git push "file://$TRASH/wild.git" evil:refs/heads/release/1 2>../err &&
	 srv_refs wild.git ../after) &&
	test_cmp before after &&
	test_grep "is not a merge" err &&
	test_must_fail test_grep "adopted" err &&
	(cd other && m=$(git commit-tree -p main -p ok -m "Merge branch ok" "$(git rev-parse evil^{tree})") &&
	 test_must_fail git push "file://$TRASH/wild.git" "$m:refs/heads/release/2" 2>../err) &&
	srv_refs wild.git after && test_cmp before after &&
	test_grep "carries changes of its own" err
'

test_expect_success 'abuse: deleting and re-creating the protected branch is no adoption' '
	(cd other && test_must_fail git push "file://$TRASH/wild.git" :main 2>../err) &&
	test_grep "deleting protected branch .main. is refused" err &&
	(cd other && test_must_fail git push "file://$TRASH/wild.git" +evil:main 2>../err) &&
	test_grep "does not contain the branch.s tip" err
'

test_expect_success 'cJSON replayed: libgit2 alone reproduces 117 of the 121 first-parent merges' '
	(cd cj && "$AUTOMERGE" --libgit2 <../merges >../libgit2.out) &&
	test_grep "merges: 121 same: 117 differs: 4" libgit2.out
'

test_expect_success 'cJSON replayed: git merge-tree reproduces the same 117, and 4 are resolutions' '
	(cd cj && "$AUTOMERGE" --git <../merges >../git.out) &&
	test_grep "merges: 121 same: 117 differs: 4" git.out &&
	grep " same " libgit2.out | cut -d" " -f1 >same-libgit2 &&
	grep " same " git.out | cut -d" " -f1 >same-git &&
	test_cmp same-git same-libgit2 &&
	test $(grep -c " conflict git merge-tree" git.out) = 4
'

test_expect_success 'cJSON replayed: the gate refuses no merge that git reproduces' '
	(cd cj && "$AUTOMERGE" <../merges >../gate.out) &&
	grep " same " gate.out | cut -d" " -f1 >same-gate &&
	test_cmp same-git same-gate &&
	grep -v " same \|^merges:" gate.out | cut -d" " -f1 >refused &&
	test $(wc -l <refused) = 4 &&
	for m in $(cat refused); do grep -q "^$m conflict git merge-tree" git.out || exit 1; done
'

test_done
