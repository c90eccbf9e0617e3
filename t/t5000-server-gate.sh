#!/bin/sh
test_description='the server gate: pre-receive on a shared bare repository, pushed over file://'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

SRV_GIT="$TRASH/srv.git"

# The clone has no local hooks: it is the machine the local gate cannot see.
# merge_branch BRANCH: merge it into the checked-out branch as `git merge` names it.
merge_branch() {
	git merge -q --no-ff -m "Merge branch '$1'" "$1"
}

# new_feature BRANCH: BRANCH off main with one commit, back on main.
new_feature() {
	git checkout -q -b "$1" main &&
	test_commit "$1" "$1.t" &&
	git checkout -q main
}

test_expect_success 'setup: a bare server with the gate, the import accepted' '
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>err &&
	test_grep "installed .*srv.git/hooks/pre-receive" err &&
	test -x srv.git/hooks/pre-receive &&
	test -f srv.git/orch-hooks.ini &&
	git init -q c &&
	(cd c && git remote add origin "file://$TRASH/srv.git" &&
	 test_commit initial && test_commit second &&
	 git push origin main 2>../err) &&
	test_grep "remote: orch-hooks: .main.: adopted: the 2 commits of its history are the baseline" err &&
	git -C c rev-parse main >expect &&
	git -C srv.git rev-parse main >actual &&
	test_cmp expect actual
'

test_expect_success 'a fully reviewed push with its notes in the same push is accepted' '
	(cd c && new_feature feat1 &&
	 orch-hooks verdict set PASS feat1 2>/dev/null &&
	 merge_branch feat1 &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "verdicts of 1 merge checked: accepted" err &&
	git -C c rev-parse main refs/notes/verdicts >expect &&
	git -C srv.git rev-parse main refs/notes/verdicts >actual &&
	test_cmp expect actual
'

test_expect_success 'a reviewed push whose notes are already on the server is accepted' '
	(cd c && new_feature feat2 &&
	 orch-hooks verdict set PASS feat2 2>/dev/null &&
	 git push origin refs/notes/verdicts 2>/dev/null &&
	 merge_branch feat2 &&
	 git push origin main 2>../err) &&
	test_grep "accepted" err &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual &&
	test_cmp expect actual
'

test_expect_success 'an unreviewed merge is refused, naming ref, merge, tip, branch and the fix' '
	(cd c && new_feature feat3 && merge_branch feat3 &&
	 refused_push "$SRV_GIT" ../err git push origin main) &&
	merge=$(git -C c rev-parse main) && tip=$(git -C c rev-parse feat3) &&
	test_grep "remote: orch-hooks: push to .refs/heads/main. refused" err &&
	test_grep "remote: orch-hooks:   merge $merge merges $tip (.feat3.): no verdict" err &&
	test_grep "review it: orch-hooks review $tip" err &&
	test_grep "git push --atomic origin main refs/notes/verdicts" err &&
	test_grep "this push did not carry refs/notes/verdicts" err
'

test_expect_success 'ORCH_HOOKS_SKIP does not bypass the server gate, even when it reaches it' '
	(cd c && ORCH_HOOKS_SKIP="in a hurry" && export ORCH_HOOKS_SKIP && refused_push "$SRV_GIT" ../err git push origin main) &&
	test_grep "merges $(git -C c rev-parse feat3) (.feat3.): no verdict" err &&
	test_grep ! "GATE SKIPPED" err
'

test_expect_success 'the same merge is accepted once its verdict is pushed with it' '
	(cd c && orch-hooks verdict set PASS feat3 2>/dev/null &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "accepted" err &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual &&
	test_cmp expect actual
'

test_expect_success 'a merge with a FAIL verdict is refused with the reviewer'"'"'s reason' '
	(cd c && new_feature feat4 &&
	 orch-hooks verdict set FAIL feat4 -m "money.c:12: float used for cents" 2>/dev/null &&
	 merge_branch feat4 &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "merges $(git -C c rev-parse feat4) (.feat4.): FAIL: money.c:12: float used for cents" err &&
	test_grep "fix the branch, then review its new tip" err &&
	(cd c && git reset -q --hard HEAD^)
'

test_expect_success 'a stale verdict (the branch moved after its review) is refused' '
	(cd c && new_feature feat5 &&
	 orch-hooks verdict set PASS feat5 2>/dev/null &&
	 git checkout -q feat5 && test_commit after-review && git checkout -q main &&
	 merge_branch feat5 &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "merges $(git -C c rev-parse feat5) (.feat5.): stale verdict: the PASS verdict is for the earlier commit $(git -C c rev-parse --short=12 feat5^)" err &&
	(cd c && git reset -q --hard HEAD^)
'

test_expect_success 'a verdict copied from another commit is refused' '
	(cd c && new_feature feat6 &&
	 git notes --ref=refs/notes/verdicts show feat1 >../copied &&
	 git notes --ref=refs/notes/verdicts add -f -F ../copied feat6 &&
	 merge_branch feat6 &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "verdict copied from another commit" err &&
	(cd c && git reset -q --hard HEAD^ && git notes --ref=refs/notes/verdicts remove feat6 2>/dev/null)
'

test_expect_success 'a direct commit on the protected branch is refused' '
	(cd c && test_commit direct &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "commit $(git -C c rev-parse main) (\"direct\") is not a merge: work reaches .main. only through reviewed merges" err &&
	test_grep "put direct commits on a branch, have it reviewed, and merge it with git merge --no-ff" err &&
	(cd c && git reset -q --hard HEAD^)
'

test_expect_success 'a reviewed merge on top of a direct commit is refused for the direct commit' '
	(cd c && test_commit sneaky && new_feature feat7 &&
	 orch-hooks verdict set PASS feat7 2>/dev/null && merge_branch feat7 &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "commit $(git -C c rev-parse main^) (\"sneaky\") is not a merge" err &&
	test_grep ! "merges $(git -C c rev-parse feat7)" err &&
	(cd c && git reset -q --hard HEAD~2)
'

test_expect_success 'a force push of the protected branch is refused' '
	(cd c && git reset -q --hard HEAD^ &&
	 refused_push "$SRV_GIT" ../err git push --force origin main) &&
	test_grep "does not contain the branch.s tip $(git -C srv.git rev-parse --short=12 main): a force push would drop commits from protected branch .main." err &&
	(cd c && git reset -q --hard $(git -C ../srv.git rev-parse main))
'

test_expect_success 'deleting the protected branch is refused' '
	(cd c && refused_push "$SRV_GIT" ../err git push origin :main) &&
	test_grep "deleting protected branch .main. is refused" err
'

test_expect_success 'rewinding the notes ref is refused' '
	(cd c && git push origin refs/notes/verdicts 2>/dev/null &&
	 git update-ref refs/notes/verdicts refs/notes/verdicts^ &&
	 refused_push "$SRV_GIT" ../err git push --force origin refs/notes/verdicts) &&
	test_grep "push to .refs/notes/verdicts. refused" err &&
	test_grep "the pushed notes .* do not contain the server.s notes" err &&
	test_grep "orch-hooks sync" err &&
	(cd c && git fetch -q origin +refs/notes/verdicts:refs/notes/verdicts)
'

test_expect_success 'replacing the notes with unrelated notes is refused' '
	(cd c && git notes --ref=refs/notes/other add -m "Verdict: PASS" HEAD &&
	 refused_push "$SRV_GIT" ../err git push --force origin refs/notes/other:refs/notes/verdicts) &&
	test_grep "do not contain the server.s notes" err
'

test_expect_success 'verdicts in pushed notes that do not fast-forward the server'"'"'s count for nothing' '
	git clone -q "file://$TRASH/srv.git" other 2>/dev/null &&
	(cd other && git fetch -q origin refs/notes/verdicts:refs/notes/verdicts &&
	 git checkout -q -b elsewhere && test_commit elsewhere && git push -q origin elsewhere 2>/dev/null &&
	 orch-hooks verdict set PASS elsewhere 2>/dev/null &&
	 git push -q origin refs/notes/verdicts 2>/dev/null) &&
	(cd c && new_feature diverged && orch-hooks verdict set PASS diverged 2>/dev/null &&
	 merge_branch diverged &&
	 refused_push "$SRV_GIT" ../err git push --atomic --force origin main refs/notes/verdicts) &&
	test_grep "push to .refs/notes/verdicts. refused" err &&
	test_grep "merges $(git -C c rev-parse diverged) (.diverged.): no verdict" err
'

test_expect_success 'after orch-hooks sync the same push is accepted' '
	(cd c && orch-hooks sync 2>../err && git push --atomic origin main refs/notes/verdicts 2>>../err) &&
	test_grep "merged the verdicts of .origin." err &&
	test_grep "accepted" err &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual &&
	test_cmp expect actual
'

test_expect_success 'deleting the notes ref is refused' '
	(cd c && refused_push "$SRV_GIT" ../err git push origin :refs/notes/verdicts) &&
	test_grep "deleting the verdict notes is refused: they are the audit trail of every review" err
'

test_expect_success 'anything goes on unprotected branches: direct, unreviewed, forced, deleted' '
	(cd c && git checkout -q -b topic main && test_commit t1 &&
	 new_feature side && git checkout -q topic && merge_branch side &&
	 git push origin topic 2>/dev/null &&
	 git reset -q --hard HEAD~2 && git push --force origin topic 2>/dev/null &&
	 git push origin :topic 2>/dev/null && git tag v1 && git push origin v1 2>/dev/null &&
	 git checkout -q main) &&
	test_must_fail git -C srv.git rev-parse --verify -q refs/heads/topic &&
	git -C srv.git rev-parse --verify -q refs/tags/v1
'

test_expect_success 'work pushed to an unprotected branch first is checked when it lands' '
	(cd c && git checkout -q -b prepushed main && test_commit prepushed &&
	 git push -q origin prepushed 2>/dev/null && git checkout -q main &&
	 refused_push "$SRV_GIT" ../err git push origin prepushed:main) &&
	test_grep "commit $(git -C c rev-parse prepushed) (\"prepushed\") is not a merge" err &&
	(cd c && new_feature unseen && git checkout -q -b premerged main && merge_branch unseen &&
	 git push -q origin premerged 2>/dev/null && git checkout -q main &&
	 refused_push "$SRV_GIT" ../err git push origin premerged:main) &&
	test_grep "merges $(git -C c rev-parse unseen) (.unseen.): no verdict" err
'

test_expect_success 'several refs in one push with one bad: the whole push is refused' '
	(cd c && new_feature good && orch-hooks verdict set PASS good 2>/dev/null &&
	 git checkout -q -b scratch main && test_commit scratchwork && git checkout -q main &&
	 git checkout -q -b master main && new_feature bad && git checkout -q master && merge_branch bad &&
	 git checkout -q main && merge_branch good &&
	 refused_push "$SRV_GIT" ../err git push origin main master scratch refs/notes/verdicts) &&
	test_grep "push to .refs/heads/master. refused" err &&
	test_grep "merges $(git -C c rev-parse bad) (.bad.): no verdict" err &&
	test_grep ! "push to .refs/heads/main. refused" err &&
	test_grep "remote: orch-hooks: .main.: .* accepted" err &&
	test_grep "\[remote rejected\] main -> main (pre-receive hook declined)" err &&
	test_grep "\[remote rejected\] scratch -> scratch (pre-receive hook declined)" err
'

test_expect_success 'the good part of that push is accepted on its own' '
	(cd c && git push --atomic origin main scratch refs/notes/verdicts 2>../err) &&
	test_grep "accepted" err &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual &&
	test_cmp expect actual
'

test_expect_success 'a new protected branch must follow the rules once one exists' '
	(cd c && refused_push "$SRV_GIT" ../err git push origin master) &&
	test_grep "push to .refs/heads/master. refused" err &&
	(cd c && git push origin master~1:refs/heads/master 2>../err) &&
	test_grep "remote: orch-hooks: .master.: 0 commits new to protected branches" err &&
	git -C c rev-parse master~1 >expect &&
	git -C srv.git rev-parse refs/heads/master >actual &&
	test_cmp expect actual
'

test_expect_success 'a feature branch that merged main back in needs no verdict for main' '
	(cd c && new_feature feat8 &&
	 new_feature feat9 && orch-hooks verdict set PASS feat9 2>/dev/null && merge_branch feat9 &&
	 git push -q --atomic origin main refs/notes/verdicts 2>/dev/null &&
	 git checkout -q feat8 && merge_branch main && git checkout -q main &&
	 orch-hooks verdict set PASS feat8 2>/dev/null && merge_branch feat8 &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "verdicts of 1 merge checked: accepted" err
'

test_expect_success 'a merge on the branch that merges an old commit of the branch is refused' '
	(cd c && git reset -q --hard "$(git -C ../srv.git rev-parse main)" &&
	 echo sneaked-in >sneaky.t && git add sneaky.t &&
	 fake=$(git commit-tree -p HEAD -p HEAD~1 -m "Merge branch '\''main'\''" $(git write-tree)) &&
	 git reset -q --hard "$fake" &&
	 refused_push "$SRV_GIT" ../err git push origin main) &&
	test_grep "merge $(git -C c rev-parse main) carries changes of its own" err &&
	test_grep "paths that differ from the automatic merge: sneaky.t" err &&
	(cd c && git reset -q --hard HEAD^)
'

test_expect_success 'a chained pre-receive gets the same stdin, and its refusal counts' '
	git init -q --bare chained.git &&
	write_script() { printf "#!/bin/sh\n%s\n" "$2" >"$1" && chmod +x "$1"; } &&
	write_script chained.git/hooks/pre-receive "cat >\"$TRASH/chained-stdin\"; test ! -f \"$TRASH/chained-says-no\"" &&
	test_must_fail orch-hooks install --server chained.git 2>err &&
	test_grep "is a hook orch-hooks did not install" err &&
	orch-hooks install --server --chain chained.git 2>err &&
	test_grep "kept (it runs first)" err &&
	(cd c && git push -q --atomic "file://$TRASH/chained.git" main refs/notes/verdicts 2>../err) &&
	{ echo "0000000000000000000000000000000000000000 $(git -C c rev-parse main) refs/heads/main" &&
	  echo "0000000000000000000000000000000000000000 $(git -C c rev-parse refs/notes/verdicts) refs/notes/verdicts"; } >expect &&
	test_cmp expect chained-stdin &&
	touch chained-says-no &&
	(cd c && test_must_fail git push "file://$TRASH/chained.git" feat1 2>../err) &&
	test_grep "the chained hook .* failed" err &&
	test_must_fail git -C chained.git rev-parse --verify -q refs/heads/feat1 &&
	rm chained-says-no
'

test_expect_success 'install --force moves a foreign pre-receive aside' '
	git init -q --bare forced.git &&
	printf "#!/bin/sh\nexit 0\n" >forced.git/hooks/pre-receive && chmod +x forced.git/hooks/pre-receive &&
	orch-hooks install --server --force forced.git 2>err &&
	test -f forced.git/hooks/pre-receive.orig &&
	test_grep "moved aside" err &&
	(cd c && git push --atomic "file://$TRASH/forced.git" main refs/notes/verdicts 2>../err) &&
	test_grep "remote: orch-hooks: .main.: adopted" err &&
	orch-hooks uninstall forced.git 2>err &&
	test_grep "restored .*forced.git/hooks/pre-receive" err
'

test_expect_success 'allow_direct = true lets direct commits in, but never unreviewed merges' '
	git init -q --bare direct.git &&
	orch-hooks install --server direct.git 2>/dev/null &&
	printf "\n[server]\nallow_direct = true\n" >>direct.git/orch-hooks.ini &&
	(cd c && git push -q --atomic "file://$TRASH/direct.git" main refs/notes/verdicts 2>/dev/null &&
	 git checkout -q -b d main && test_commit direct-ok &&
	 git push "file://$TRASH/direct.git" d:main 2>../err) &&
	test_grep "accepted" err &&
	(cd c && new_feature unreviewed && git checkout -q d && merge_branch unreviewed &&
	 test_must_fail git push "file://$TRASH/direct.git" d:main 2>../err && git checkout -q main) &&
	test_grep "merges $(git -C c rev-parse unreviewed) (.unreviewed.): no verdict" err
'

test_expect_success 'a broken server policy refuses every push to protected branches (fail closed)' '
	cp srv.git/orch-hooks.ini policy-backup &&
	test_when_finished "cp \"$TRASH/policy-backup\" \"$TRASH/srv.git/orch-hooks.ini\"" &&
	printf "[server]\nallow_direct = maybe\n" >>srv.git/orch-hooks.ini &&
	(cd c && new_feature feat10 && orch-hooks verdict set PASS feat10 2>/dev/null && merge_branch feat10 &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "orch-hooks.ini:[0-9]*:" err &&
	test_grep "the server gate cannot decide" err
'

test_expect_success 'the server test gate accepts a tip whose tests pass' '
	printf "\n[server]\ntest_command = test -f feat10.t && test -z \"\$GIT_DIR\" && test \"\$ORCH_BRANCH\" = main && test \"\$ORCH_REF\" = refs/heads/main && test \"\$ORCH_NEW\" = \$(cat \"$TRASH/expected-tip\") && echo tested >\"$TRASH/tested\"\n" >>srv.git/orch-hooks.ini &&
	git -C c rev-parse main >expected-tip &&
	mkdir tmp &&
	(cd c && TMPDIR="$TRASH/tmp" git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "remote: orch-hooks: testing .main. at" err &&
	test_grep "remote: orch-hooks: tests passed on .main." err &&
	test -f tested &&
	git -C srv.git rev-parse main >actual && test_cmp expected-tip actual &&
	test_must_fail test -f srv.git/index &&
	ls tmp >leftovers && test_must_fail test -s leftovers
'

test_expect_success 'the server test gate refuses a tip whose tests fail, with their output' '
	sed -i "s/^test_command = .*/test_command = echo checking; test ! -f feat11.t || { echo \"feat11 breaks it\"; exit 3; }/" srv.git/orch-hooks.ini &&
	(cd c && new_feature feat11 && orch-hooks verdict set PASS feat11 2>/dev/null && merge_branch feat11 &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "push to .refs/heads/main. refused: the server.s tests failed on .* (exit status 3)" err &&
	test_grep "remote: orch-hooks:   | feat11 breaks it" err
'

test_expect_success 'the server test gate refuses a test that runs too long' '
	sed -i "s/^test_command = .*/test_command = sleep 30/" srv.git/orch-hooks.ini &&
	printf "test_timeout = 1s\n" >>srv.git/orch-hooks.ini &&
	(cd c && refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "timed out after 1s" err &&
	sed -i "/^test_command = /d; /^test_timeout = /d" srv.git/orch-hooks.ini
'

test_done
