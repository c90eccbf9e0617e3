#!/bin/sh
test_description='review under the default sandbox (bwrap) in a busy repository: other workers never void it, the reviewer cannot reach out'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

export TMPDIR="$TRASH/tmp"
. "$ORCH_HOOKS_SRC/t/lib-busy.sh"

if ! bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent true 2>/dev/null; then
	test_skip 'a busy repository under bwrap' \
		'bubblewrap cannot make a sandbox on this machine (not installed, or no user namespaces); t6250 covers the fallback'
	test_done
fi

test_expect_success 'setup: a repository, a colleague worktree and an upstream to fetch from' '
	setup_busy
'

for round in 1 2 3
do
	test_expect_success "busy round $round: the default policy uses bwrap, and the review PASSes, recorded" '
		reviewer "git --git-dir=\"\$ORCH_REPO\" log --oneline -1 >/dev/null" &&
		busy_review "pass$round" &&
		echo 0 >expect && test_cmp expect "pass$round.rc" &&
		test_grep ! "no sandbox" "pass$round" &&
		test_grep ! "review void" "pass$round" &&
		git -C r notes --ref=refs/notes/verdicts show feat >note &&
		test_grep "^Verdict: PASS$" note &&
		test_grep "(sandbox: bwrap)" note &&
		test -z "$(ls -A tmp)"
	'
done

test_expect_success 'under bwrap every way out is refused and changes nothing; its verdict stands' '
	reviewer "for f in \"$TRASH/r/initial.t\" \"$TRASH/r/.git/index\" \"$TRASH/r/.git/HEAD\" \
\"$TRASH/r/.git/refs/heads/idle\" \"$TRASH/.gitconfig\" \"$TRASH/r/.git/config\" \
\"$TRASH/r/.git/hooks/post-merge\" \"$TRASH/r/.git/orch-hooks.ini\" \"$TRASH/wt/busy.t\"; do
	if (echo evil >>\"\$f\") 2>/dev/null; then echo \"WROTE \$f\"; else echo \"REFUSED \$f\"; fi
done
git -C \"$TRASH/wt\" commit -q --allow-empty -m sneak 2>/dev/null && echo COMMITTED
git config --global core.hooksPath /dev/null 2>/dev/null && echo CONFIGURED" &&
	git -C r rev-parse work idle main >refs-before &&
	cp .gitconfig gitconfig-before &&
	busy_review tamper &&
	echo 0 >expect && test_cmp expect tamper.rc &&
	test $(grep -c "^REFUSED " tamper) = 9 &&
	test_grep ! "^WROTE\|^COMMITTED\|^CONFIGURED" tamper &&
	git -C r rev-parse work~1 idle main >refs-after &&
	test_cmp refs-before refs-after &&
	test_cmp gitconfig-before .gitconfig &&
	git -C r diff --quiet && git -C r diff --cached --quiet
'

test_expect_success 'a reviewer that changes its own view in that same busy repository: VOID, nothing recorded' '
	git -C r notes --ref=refs/notes/verdicts show feat >before &&
	reviewer "git --git-dir=\"\$ORCH_REPO\" update-ref refs/heads/main \"\$ORCH_COMMIT\"" &&
	busy_review view &&
	echo 3 >expect && test_cmp expect view.rc &&
	test_grep "review void, nothing recorded (review again): the reviewer changed its view of the repository (file .refs/heads/main. created" view &&
	test_grep ! "worktree" view &&
	git -C r notes --ref=refs/notes/verdicts show feat >after &&
	test_cmp before after
'

test_expect_success 'a reviewer that fails writing outside $TMPDIR: FAIL, saying so first and naming the path' '
	printf "[review]\ncommand = echo cached >\"\$HOME/.agent-cache\" || exit 1; echo PASS\n" >r/.git/orch-hooks.ini &&
	(cd r && test_must_fail orch-hooks review feat >../out 2>&1) &&
	test_grep "^feat .* FAIL .* the sandbox kept the reviewer from writing outside \$TMPDIR (.*$TRASH/.agent-cache: Read-only file system)" out &&
	! test -e .agent-cache &&
	(cd r && test_must_fail orch-hooks verdict show feat >../show) &&
	test_grep "the sandbox kept the reviewer from writing outside" show
'

test_expect_success 'its caches go to XDG_CACHE_HOME in its $TMPDIR, and are gone afterwards' '
	printf "[review]\ncommand = mkdir -p \"\$XDG_CACHE_HOME/agent\" && echo x >\"\$XDG_CACHE_HOME/agent/c\" && echo PASS\n" \
		>r/.git/orch-hooks.ini &&
	(cd r && orch-hooks review feat >../out 2>&1) &&
	test_grep "^feat .* PASS" out &&
	test -z "$(ls -A tmp)"
'

test_done
