#!/bin/sh
test_description='the server gate accepts only signed verdicts when [server] require_signed is on'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

srv_refs() {
	git -C "$TRASH/srv.git" for-each-ref --format='%(objectname) %(refname)' >"$1"
}

# client_policy KEY: the clone signs its verdicts with KEY ("" for none).
client_policy() {
	printf "[branches]\nprotected = main\n[review]\nsigning_key = %s\n" "$1" >c/.git/orch-hooks.ini
}

# feature_merged NAME KEY: NAME off main, a verdict signed with KEY, merged into main.
feature_merged() {
	client_policy "$2" &&
	(cd c && git checkout -q -b "$1" main && test_commit "$1" "$1.t" && git checkout -q main &&
	 orch-hooks verdict set PASS "$1" 2>/dev/null &&
	 git merge -q --no-ff -m "Merge branch '$1'" "$1")
}

# refused SIGNING_REASON: the push fails with that reason and changes no server ref.
refused() {
	srv_refs before &&
	(cd c && test_must_fail git push --atomic origin main refs/notes/verdicts 2>../err) &&
	srv_refs after &&
	test_cmp before after &&
	test_grep "remote: orch-hooks:.*untrusted verdict: $1" err &&
	(cd c && git reset -q --hard origin/main)
}

test_expect_success 'setup: keys, a signing server, a clone' '
	ssh-keygen -q -t ed25519 -N "" -C bot -f bot &&
	ssh-keygen -q -t ed25519 -N "" -C dev -f dev &&
	ssh-keygen -q -t ed25519 -N "" -C stranger -f stranger &&
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	{ echo "reviewer-bot $(cat bot.pub)" && echo "developer $(cat dev.pub)"; } >srv.git/allowed_signers &&
	printf "[branches]\nprotected = main\n[server]\nallowed_signers = allowed_signers\nrequire_signed = true\nreviewers = reviewer-bot\n" >srv.git/orch-hooks.ini &&
	git init -q c &&
	(cd c && git remote add origin "file://$TRASH/srv.git" && test_commit initial &&
	 git push -q origin main && git fetch -q origin)
'

test_expect_success 'a verdict signed by an allowed reviewer is accepted through a real push' '
	feature_merged good "$TRASH/bot" &&
	(cd c && git push --atomic origin main refs/notes/verdicts 2>../err && git fetch -q origin) &&
	test_grep "accepted" err &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual && test_cmp expect actual
'

test_expect_success 'an unsigned verdict is refused' '
	feature_merged unsigned "" &&
	refused "unsigned verdict"
'

test_expect_success 'a verdict signed by an unknown key is refused' '
	feature_merged unknown "$TRASH/stranger" &&
	refused "signed by an unknown key"
'

test_expect_success 'a signed verdict altered after signing is refused' '
	client_policy "$TRASH/bot" &&
	(cd c && git checkout -q -b altered main && test_commit altered altered.t && git checkout -q main &&
	 orch-hooks verdict set FAIL altered -m "no" 2>/dev/null &&
	 git notes --ref=refs/notes/verdicts show altered | sed "s/^Verdict: FAIL/Verdict: PASS/" >../n &&
	 git notes --ref=refs/notes/verdicts add -f -F ../n altered &&
	 git merge -q --no-ff -m "Merge branch altered" altered) &&
	refused "bad signature"
'

test_expect_success 'a signature replayed onto another commit is refused' '
	(cd c && git checkout -q -b replay main && test_commit replay replay.t && git checkout -q main &&
	 c=$(git rev-parse replay) && t=$(git rev-parse replay^{tree}) &&
	 git notes --ref=refs/notes/verdicts show good |
		sed "s/^Commit: .*/Commit: $c/; s/^Tree: .*/Tree: $t/" >../n &&
	 git notes --ref=refs/notes/verdicts add -f -F ../n replay &&
	 git merge -q --no-ff -m "Merge branch replay" replay) &&
	refused "bad signature"
'

test_expect_success 'a developer key outside [server] reviewers cannot pass main' '
	feature_merged selfreview "$TRASH/dev" &&
	refused "signer may not pass this branch: signed by .developer."
'

test_done
