#!/bin/sh
test_description='the content rule on the server: a merge on a protected chain is the automatic merge of its parents or has its own PASS'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

SRV_GIT="$TRASH/srv.git"

# The clone has no local hooks: it is the machine the local gate cannot see.
# back_to_server: the clone's main as the server has it.
back_to_server() {
	git reset -q --hard "$(git -C "$TRASH/srv.git" rev-parse main)"
}

# accepted_with_its_pass REMOTE: main, given a PASS of its own in the clone, is
# then accepted by the server at REMOTE.
accepted_with_its_pass() {
	(cd c && orch-hooks verdict set PASS main 2>/dev/null &&
	 git push --atomic "$1" main refs/notes/verdicts 2>../err) &&
	test_grep "accepted" err
}

# handmade TREE_FROM SECOND_PARENT: a merge of main and SECOND_PARENT holding any tree.
handmade() {
	git commit-tree -p main -p "$2" -m "Merge branch '\''x'\''" "$1"
}

test_expect_success 'setup: a gated bare server adopting a small history, a clone' '
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	git init -q c &&
	(cd c && git remote add origin "file://$TRASH/srv.git" &&
	 test_commit initial && test_commit second &&
	 git push origin main 2>../err) &&
	test_grep "adopted" err
'

test_expect_success 'a merge made by hand with any tree and a reviewed second parent is refused' '
	(cd c && reviewed_branch hm1 &&
	 echo "not reviewed by anyone" >evil.t && git add evil.t && test_tick &&
	 git commit -q -m "evil" && evil_tree=$(git rev-parse HEAD^{tree}) && git reset -q --hard HEAD^ &&
	 m=$(handmade "$evil_tree" hm1) && git merge -q --ff-only "$m" &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	m=$(git -C c rev-parse main) &&
	test_grep "remote: orch-hooks: push to .refs/heads/main. refused" err &&
	test_grep "merge $m carries changes of its own" err &&
	test_grep "decided by git merge-tree" err &&
	test_grep "paths that differ from the automatic merge: evil.t, hm1.t" err &&
	test_grep "orch-hooks review $m" err &&
	test_grep "git push --atomic origin main refs/notes/verdicts" err
'

test_expect_success 'the same merge is accepted once the merge itself has a PASS' '
	accepted_with_its_pass origin &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual && test_cmp expect actual
'

test_expect_success 'its own PASS does not excuse an unreviewed second parent' '
	(cd c && git checkout -q -b unrev main && test_commit unrev && git checkout -q main &&
	 git merge -q --no-ff --no-edit unrev && orch-hooks verdict set PASS main 2>/dev/null &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts && back_to_server) &&
	test_grep "merges $(git -C c rev-parse unrev) (.unrev.): no verdict" err
'

test_expect_success 'an edit made during git merge --no-commit is refused, and accepted with its PASS' '
	(cd c && reviewed_branch nc1 &&
	 git merge -q --no-ff --no-commit nc1 && echo edited >>second.t && git add second.t &&
	 git commit -q --no-edit &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "merge $(git -C c rev-parse main) carries changes of its own" err &&
	test_grep "which merges cleanly: an edit or a tree made by hand" err &&
	test_grep "automatic merge: second.t *$" err &&
	accepted_with_its_pass origin
'

test_expect_success 'a conflict resolution is refused, and accepted with its PASS' '
	(cd c && git checkout -q -b cf1 main && test_commit cf1 conflict.t theirs && git checkout -q main &&
	 orch-hooks verdict set PASS cf1 2>/dev/null &&
	 git checkout -q -b cf0 main && test_commit cf0 conflict.t ours && git checkout -q main &&
	 orch-hooks verdict set PASS cf0 2>/dev/null && git merge -q --no-ff --no-edit cf0 &&
	 git push -q --atomic origin main refs/notes/verdicts 2>/dev/null &&
	 test_must_fail git merge -q --no-edit cf1 >/dev/null 2>&1 &&
	 echo resolved >conflict.t && git add conflict.t && git commit -q --no-edit &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts) &&
	test_grep "carries changes of its own: its tree is not the automatic merge of its parents (which does not merge cleanly: a resolved conflict" err &&
	test_grep "automatic merge: conflict.t *$" err &&
	accepted_with_its_pass origin
'

test_expect_success 'a clean merge that needs rename detection is accepted without a verdict of its own' '
	(cd c && git mv initial.t renamed.t && test_tick && git commit -q -m "rename on main" &&
	 git checkout -q -b rn1 main~1 && echo more >>initial.t && git commit -q -am "edit the old name" &&
	 git checkout -q main && orch-hooks verdict set PASS rn1 2>/dev/null &&
	 git checkout -q -b rn0 && git checkout -q main && git reset -q --hard HEAD^ &&
	 orch-hooks verdict set PASS rn0 2>/dev/null && git merge -q --no-ff --no-edit rn0 &&
	 git merge -q --no-ff --no-edit rn1 && grep more renamed.t &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "verdicts of 2 merges checked: accepted" err
'

test_expect_success 'an octopus merge of reviewed branches is accepted; one with an edit is refused' '
	(cd c && reviewed_branch oc1 && reviewed_branch oc2 && reviewed_branch oc3 &&
	 git merge -q --no-ff --no-edit oc1 oc2 oc3 &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "verdicts of 1 merge checked: accepted" err &&
	(cd c && reviewed_branch oc4 && reviewed_branch oc5 &&
	 git merge -q --no-ff --no-commit oc4 oc5 && echo edit >>oc4.t && git add oc4.t &&
	 git commit -q --no-edit &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts && back_to_server) &&
	test_grep "carries changes of its own" err &&
	test_grep "decided by libgit2 (octopus, one parent at a time)" err &&
	test_grep "automatic merge: oc4.t *$" err
'

test_expect_success 'criss-cross: a clean merge is accepted, an edited one refused' '
	(cd c && git checkout -q -b xa main && test_commit xa1 xa.t 1 && a1=$(git rev-parse HEAD) &&
	 git checkout -q -b xb main && test_commit xb1 xb.t 1 &&
	 git checkout -q xa && git merge -q --no-edit xb && test_commit xa2 xa.t 2 &&
	 git checkout -q xb && git merge -q --no-edit "$a1" && test_commit xb2 xb.t 2 &&
	 git checkout -q main && test $(git merge-base --all xa xb | wc -l) = 2 &&
	 orch-hooks verdict set PASS xa 2>/dev/null && orch-hooks verdict set PASS xb 2>/dev/null &&
	 git merge -q --no-ff --no-edit xa && git merge -q --no-ff --no-edit xb &&
	 test $(git merge-base --all HEAD^1 HEAD^2 | wc -l) = 2 &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "accepted" err &&
	(cd c && git checkout -q -b ya main && test_commit ya1 ya.t 1 && a1=$(git rev-parse HEAD) &&
	 git checkout -q -b yb main && test_commit yb1 yb.t 1 &&
	 git checkout -q ya && git merge -q --no-edit yb && test_commit ya2 ya.t 2 &&
	 git checkout -q yb && git merge -q --no-edit "$a1" && test_commit yb2 yb.t 2 &&
	 test $(git merge-base --all ya yb | wc -l) = 2 &&
	 git checkout -q main && orch-hooks verdict set PASS ya 2>/dev/null &&
	 orch-hooks verdict set PASS yb 2>/dev/null && git merge -q --no-ff --no-edit ya &&
	 git merge -q --no-ff --no-commit yb && echo sneak >>ya.t && git add ya.t && git commit -q --no-edit &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts && back_to_server) &&
	test_grep "carries changes of its own" err &&
	test_grep "automatic merge: ya.t *$" err
'

test_expect_success 'merges inside a merged branch need no verdict; the merged tip does' '
	(cd c && git checkout -q -b inner main && test_commit inner &&
	 git checkout -q -b outer main && test_commit outer && git merge -q --no-edit inner &&
	 test_commit outer2 && git checkout -q main &&
	 orch-hooks verdict set PASS outer 2>/dev/null &&
	 git merge -q --no-ff --no-edit outer &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "verdicts of 1 merge checked: accepted" err
'

test_expect_success 'the paths a refusal lists are bounded' '
	(cd c && reviewed_branch many && i=0 &&
	 while [ $i -lt 15 ]; do echo $i >"many-$i.t"; i=$((i + 1)); done &&
	 git add many-*.t && test_tick && git commit -q -m tmp && t=$(git rev-parse HEAD^{tree}) &&
	 git reset -q --hard HEAD^ && m=$(handmade "$t" many) && git merge -q --ff-only "$m" &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts && back_to_server) &&
	test_grep "automatic merge: many-0.t, many-1.t, .*, and 6 more\|automatic merge: .* and 6 more" err
'

test_expect_success 'a missing verdict is not called stale for a PASS in the protected history' '
	(cd c && git checkout -q -b st1 hm1 && test_commit st1 && git checkout -q main &&
	 git merge -q --no-ff --no-edit st1 &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts && back_to_server) &&
	test_grep "merges $(git -C c rev-parse st1) (.st1.): no verdict" err &&
	test_must_fail test_grep "stale" err
'

test_expect_success 'allow_direct lets direct commits in, never a merge with changes of its own' '
	git init -q --bare direct.git &&
	orch-hooks install --server direct.git 2>/dev/null &&
	printf "\n[server]\nallow_direct = true\n" >>direct.git/orch-hooks.ini &&
	(cd c && git push -q --atomic "file://$TRASH/direct.git" main refs/notes/verdicts 2>/dev/null &&
	 test_commit direct-ok && git push "file://$TRASH/direct.git" main 2>../err) &&
	test_grep "accepted" err &&
	(cd c && reviewed_branch ad1 && m=$(handmade "$(git rev-parse main^{tree})" ad1) &&
	 test_must_fail git push --atomic "file://$TRASH/direct.git" "$m:refs/heads/main" refs/notes/verdicts 2>../err &&
	 git reset -q --hard HEAD^) &&
	test_grep "carries changes of its own" err &&
	test_grep "automatic merge: ad1.t" err
'

test_expect_success 'with require_signed, a merge needs a signed PASS of its own' '
	ssh-keygen -q -t ed25519 -N "" -C bot -f bot &&
	git init -q --bare signed.git &&
	orch-hooks install --server signed.git 2>/dev/null &&
	echo "reviewer-bot $(cat bot.pub)" >signed.git/allowed_signers &&
	printf "[branches]\nprotected = main\n[server]\nallowed_signers = allowed_signers\nrequire_signed = true\n" >signed.git/orch-hooks.ini &&
	(cd c && git push -q --atomic "file://$TRASH/signed.git" main refs/notes/verdicts 2>/dev/null) &&
	printf "[branches]\nprotected = main\n[review]\nsigning_key = %s\n" "$TRASH/bot" >c/.git/orch-hooks.ini &&
	(cd c && reviewed_branch sg1 && git merge -q --no-ff --no-commit sg1 && echo x >>sg1.t && git add sg1.t &&
	 git commit -q --no-edit && printf "[branches]\nprotected = main\n" >.git/orch-hooks.ini &&
	 orch-hooks verdict set PASS main 2>/dev/null &&
	 test_must_fail git push --atomic "file://$TRASH/signed.git" main refs/notes/verdicts 2>../err) &&
	test_grep "carries changes of its own" err &&
	printf "[branches]\nprotected = main\n[review]\nsigning_key = %s\n" "$TRASH/bot" >c/.git/orch-hooks.ini &&
	(cd c && test_tick && orch-hooks verdict set PASS main 2>/dev/null &&
	 git push --atomic "file://$TRASH/signed.git" main refs/notes/verdicts 2>../err) &&
	test_grep "accepted" err &&
	rm c/.git/orch-hooks.ini &&
	(cd c && git push -q --atomic origin main refs/notes/verdicts 2>/dev/null)
'

test_expect_success 'a fast-forward to a reviewed tip is accepted; unreviewed commits below it are not' '
	(cd c && back_to_server && git checkout -q -b ff1 main && test_commit ff1 && git checkout -q main &&
	 orch-hooks verdict set PASS ff1 2>/dev/null && git merge -q --ff-only ff1 &&
	 git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "accepted" err &&
	(cd c && git checkout -q -b ff2 main && test_commit ff2a && test_commit ff2b && git checkout -q main &&
	 orch-hooks verdict set PASS ff2 2>/dev/null && git merge -q --ff-only ff2 &&
	 refused_push "$SRV_GIT" ../err git push --atomic origin main refs/notes/verdicts && back_to_server) &&
	test_grep "commit $(git -C c rev-parse ff2~1) (.ff2a.) is not a merge" err &&
	test_must_fail test_grep "commit $(git -C c rev-parse ff2) " err
'

# ---- the same over git daemon and ssh: git merge-tree must see the quarantine --------
transport_tests() {
	name=$1 url=$2

	test_expect_success "$name: a hand-made merge is refused by git merge-tree, accepted with its PASS" '
		(cd c && back_to_server && reviewed_branch "$name-hm" &&
		 m=$(handmade "$(git rev-parse main^{tree})" "$name-hm") && git merge -q --ff-only "$m" &&
		 refused_push "$SRV_GIT" ../err git push --atomic "$url" main refs/notes/verdicts) &&
		test_grep "merge $(git -C c rev-parse main) carries changes of its own" err &&
		test_grep "decided by git merge-tree" err &&
		test_must_fail test_grep "could not confirm" err &&
		accepted_with_its_pass "$url"
	'
}

start_transports "$TRASH"
for t in $TRANSPORTS; do
	transport_tests "$t" "$(transport_url "$t" srv.git)"
done
test_servers_stop

test_done
