#!/bin/sh
test_description='carry-over at the server gate: it recomputes every carried verdict; forged ones are refused'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

export TMPDIR="$TRASH/tmp"
mkdir -p "$TMPDIR"

# push_main: the client pushes main with its verdicts, in one atomic push (output in err).
push_main() {
	(cd c && git push --atomic origin main refs/notes/verdicts 2>../err)
}

# accepted: push_main succeeds and the server's main is the client's.
accepted() {
	push_main &&
	test_grep "accepted by the gate" err &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual && test_cmp expect actual &&
	(cd c && git fetch -q origin)
}

# refused WHY: push_main fails saying WHY and changes no server ref; the client's main goes back.
refused() {
	srv_refs_of srv.git before &&
	test_must_fail push_main &&
	srv_refs_of srv.git after &&
	test_cmp before after &&
	test_grep "remote: orch-hooks:.*$1" err &&
	(cd c && git reset -q --hard origin/main)
}

# main_moves: a reviewed branch lands on the server, so every other branch is behind.
main_moves() {
	m=m$(($(cat "$TRASH/mcount" 2>/dev/null || echo 0) + 1)) && echo "${m#m}" >"$TRASH/mcount" &&
	(cd c && git checkout -q -b "$m" main && test_commit "$m" "$m.t" &&
	 git checkout -q main && orch-hooks verdict set PASS "$m" 2>/dev/null &&
	 git merge -q --no-ff -m "Merge branch $m" "$m") &&
	accepted
}

# worker NAME [push]: NAME off main with two commits, reviewed (PASS); with push,
# the reviewed tip is pushed as a branch of the server.
worker() {
	(cd c && git checkout -q -b "$1" main && test_commit "$1-one" "$1/one.t" &&
	 test_commit "$1-two" "$1/two.t" && git checkout -q main &&
	 orch-hooks review "$1" >/dev/null 2>&1 && git rev-parse "$1" >"../$1.reviewed" &&
	 git merge-base main "$1" >"../$1.base" &&
	 if [ "$2" = push ]; then git push -q origin "$1" refs/notes/verdicts 2>/dev/null; fi)
}

# rebased_and_merged NAME: NAME rebased onto main, carried over by review, merged into main.
rebased_and_merged() {
	(cd c && git rebase -q main "$1" && git checkout -q main &&
	 orch-hooks review --json "$1" >../review.json 2>/dev/null &&
	 git merge -q --no-ff -m "Merge branch $1" "$1") &&
	python3 -c "import json,sys; d=json.load(open(\"review.json\")); sys.exit(d[\"reviews\"][0][\"carried_from\"] is None)"
}

# forge COMMIT FROM BASE: a carried PASS record on COMMIT, written by hand.
forge() {
	(cd c && git notes --ref=refs/notes/verdicts add -f -m "Verdict: PASS
Commit: $(git rev-parse "$1")
Tree: $(git rev-parse "$1^{tree}")
Reviewer: someone
Date: 2026-01-01T00:00:00Z
Carried-From: $(git rev-parse "$2")
Carried-Base: $(git rev-parse "$3")" "$1")
}

# forged_and_merged NAME FROM: NAME rebased onto main, given a carried PASS
# forged by hand from the commit named in the file FROM, merged into main.
forged_and_merged() {
	(cd c && git rebase -q main "$1" && git checkout -q main) &&
	forge "$1" "$(cat "$2")" "$(cat "$1.base")" &&
	(cd c && git merge -q --no-ff -m "Merge branch $1" "$1")
}

test_expect_success 'setup: a gated server, a clone with a reviewer' '
	gated_server srv.git "file://$TRASH/srv.git" c "[branches]\nprotected = main\n" &&
	git -C c fetch -q origin &&
	printf "[branches]\nprotected = main\n[review]\ncommand = echo PASS\n" >c/.git/orch-hooks.ini
'

test_expect_success 'a pure rebase: the carried verdict is accepted through a real push (file://)' '
	worker pure push && main_moves &&
	rebased_and_merged pure &&
	accepted
'

test_expect_success 'and over git daemon' '
	start_daemon "$TRASH" srv.git &&
	(cd c && git remote set-url origin "$(cat "$TRASH/daemon.port" | sed "s|^|git://127.0.0.1:|")/srv.git") &&
	worker daemon push && main_moves &&
	rebased_and_merged daemon &&
	accepted &&
	(cd c && git remote set-url origin "file://$TRASH/srv.git") &&
	stop_servers
'

test_expect_success 'a reviewed tip the server never got: refused, naming it; pushed, accepted' '
	worker unpushed && main_moves &&
	rebased_and_merged unpushed &&
	refused "carried verdict refused: the reviewed commit $(cut -c1-12 unpushed.reviewed) is not in this repository" &&
	(cd c && git push -q origin "$(cat ../unpushed.reviewed):refs/reviewed/unpushed" 2>/dev/null &&
	 git merge -q --no-ff -m "Merge branch unpushed" unpushed) &&
	accepted
'

test_expect_success 'forged: a carry from a reviewed tip whose changes differ is refused' '
	worker honest push && main_moves &&
	(cd c && git checkout -q -b evil main && test_commit evil-one evil/one.t && test_commit evil-two evil/two.t &&
	 git checkout -q main) &&
	forge evil "$(cat honest.reviewed)" "$(cat honest.base)" &&
	(cd c && git merge -q --no-ff -m "Merge branch evil" evil) &&
	refused "carried verdict refused: not a pure rebase of the reviewed"
'

test_expect_success 'forged: a carry from a tip whose verdict is FAIL, or that has none, is refused' '
	worker failed push &&
	(cd c && orch-hooks verdict set FAIL "$(cat ../failed.reviewed)" -m "bad" 2>/dev/null &&
	 git push -q origin refs/notes/verdicts 2>/dev/null) &&
	main_moves &&
	forged_and_merged failed failed.reviewed &&
	refused "the reviewed commit $(cut -c1-12 failed.reviewed) has no valid PASS (FAIL: bad)" &&
	(cd c && git checkout -q -b none main && test_commit none-one none/one.t && git checkout -q main &&
	 git push -q origin none 2>/dev/null && git rev-parse none >../none.old &&
	 git merge-base main none >../none.base) &&
	main_moves &&
	forged_and_merged none none.old &&
	refused "has no valid PASS (no verdict)"
'

test_expect_success 'forged: a chain of carries, and a carried record copied onto another commit' '
	worker chain push && main_moves &&
	(cd c && git rebase -q main chain && git checkout -q main && orch-hooks review chain >/dev/null 2>&1 &&
	 git push -q origin chain:chain1 refs/notes/verdicts 2>/dev/null && git rev-parse chain >../chain1 &&
	 git checkout -q chain && git commit -q --amend --no-edit --date="2001-01-01T00:00:00Z" &&
	 git checkout -q main) &&
	forge chain "$(cat chain1)" "$(cat chain.base)" &&
	(cd c && git merge -q --no-ff -m "Merge branch chain" chain) &&
	refused "is itself carried over" &&
	(cd c && git notes --ref=refs/notes/verdicts show "$(cat ../chain1)" >../copied &&
	 git checkout -q -b copy main && test_commit copy copy.t && git checkout -q main &&
	 git notes --ref=refs/notes/verdicts add -f -F ../copied copy &&
	 git merge -q --no-ff -m "Merge branch copy" copy) &&
	refused "verdict copied from another commit"
'

test_expect_success 'require_signed: a carry stands on the original signed PASS, never without it' '
	ssh-keygen -q -t ed25519 -N "" -C bot -f bot &&
	echo "reviewer-bot $(cat bot.pub)" >srv.git/allowed_signers &&
	printf "[branches]\nprotected = main\n[server]\nallowed_signers = allowed_signers\nrequire_signed = true\nreviewers = reviewer-bot\n" \
		>srv.git/orch-hooks.ini &&
	printf "[branches]\nprotected = main\n[review]\ncommand = echo PASS\nsigning_key = %s/bot\n" "$TRASH" \
		>c/.git/orch-hooks.ini &&
	worker signed push &&
	(cd c && git checkout -q -b m-signed main && test_commit m-signed m-signed.t && git checkout -q main &&
	 orch-hooks verdict set PASS m-signed 2>/dev/null &&
	 git merge -q --no-ff -m "Merge branch m-signed" m-signed) &&
	accepted &&
	rebased_and_merged signed &&
	(cd c && git notes --ref=refs/notes/verdicts show signed >../note) &&
	test_grep ! "^Signature:" note &&
	accepted &&
	printf "[branches]\nprotected = main\n[review]\ncommand = echo PASS\n" >c/.git/orch-hooks.ini &&
	worker unsigned push &&
	printf "[branches]\nprotected = main\n[review]\ncommand = echo PASS\nsigning_key = %s/bot\n" "$TRASH" \
		>c/.git/orch-hooks.ini &&
	(cd c && git checkout -q -b m-signed2 main && test_commit m-signed2 m-signed2.t && git checkout -q main &&
	 orch-hooks verdict set PASS m-signed2 2>/dev/null &&
	 git merge -q --no-ff -m "Merge branch m-signed2" m-signed2) &&
	accepted &&
	forged_and_merged unsigned unsigned.reviewed &&
	refused "has no valid PASS (untrusted verdict: unsigned verdict"
'

test_expect_success 'forged: a rebase that also adds a submodule pointer or an executable bit is refused' '
	worker gitlink push && main_moves &&
	(cd c && git rebase -q main gitlink && git checkout -q gitlink &&
	 git update-index --add --cacheinfo "160000,$(git rev-parse main),sub" &&
	 git commit -q --amend --no-edit && git rev-parse gitlink >../gitlink.amended &&
	 git checkout -q main) &&
	forge gitlink "$(cat gitlink.reviewed)" "$(cat gitlink.base)" &&
	(cd c && git merge -q --no-ff -m "Merge branch gitlink" gitlink) &&
	refused "carried verdict refused: not a pure rebase of the reviewed" &&
	worker exec push && main_moves &&
	(cd c && git rebase -q main exec && git checkout -q exec &&
	 chmod +x exec/two.t && git add exec/two.t && git commit -q --amend --no-edit && git checkout -q main) &&
	forge exec "$(cat exec.reviewed)" "$(cat exec.base)" &&
	(cd c && git merge -q --no-ff -m "Merge branch exec" exec) &&
	refused "carried verdict refused: not a pure rebase of the reviewed"
'

test_done
