#!/bin/sh
test_description='review in a busy repository: other workers never void it, a tampering reviewer still does'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

export TMPDIR="$TRASH/tmp"

# reviewer BODY [SANDBOX]: the reviewer waits for the test's "go" in its private TMPDIR first.
reviewer() {
	printf 'touch "$TMPDIR/started"\nwhile ! test -e "$TMPDIR/go"; do sleep 0.1; done\n%s\n' "$1" \
		>"$TRASH/reviewer.sh" &&
	printf '[review]\ncommand = sh %s/reviewer.sh\ntimeout = 1m\nsandbox = %s\n' "$TRASH" "${2:-auto}" \
		>"$TRASH/r/.git/orch-hooks.ini"
}

# busy_review OUT: runs the review of feat while another worktree commits, fetches, branches
# and adds a worktree; the review's exit status goes to OUT.rc.
busy_review() {
	rm -f "$1.rc" &&
	(cd r && orch-hooks review feat >"../$1" 2>&1; echo $? >"../$1.rc") &
	i=0 && while ! ls "$TMPDIR"/orch-review.*/tmp/started >/dev/null 2>&1 && test $i -lt 100; do
		sleep 0.1; i=$((i + 1)); done &&
	ls "$TMPDIR"/orch-review.*/tmp/started >/dev/null &&
	(cd wt && echo busy >>busy.t && git add busy.t && test_tick && git commit -q -m "busy $1" &&
	 git fetch -q ../u "+refs/heads/*:refs/remotes/u/*" &&
	 git branch "busy-$1" && git worktree add -q "../wt-$1" -b "wt-$1" main &&
	 git config --worktree core.fsync none 2>/dev/null; :) &&
	for d in "$TMPDIR"/orch-review.*/tmp; do touch "$d/go"; done &&
	i=0 && while ! test -s "$1.rc" && test $i -lt 300; do sleep 0.1; i=$((i + 1)); done &&
	test -s "$1.rc"
}

if ! bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent true 2>/dev/null; then
	test_skip 'a busy repository' 'bubblewrap cannot make a sandbox on this machine'
	test_done
fi

test_expect_success 'setup: a repository, a worker worktree and an upstream to fetch from' '
	mkdir -p tmp &&
	new_repo r &&
	(cd r && branch_with_commit feat feat.c && git worktree add -q ../wt -b work main) &&
	git clone -q --bare r u &&
	(cd r && git checkout -q -b up main && test_commit up up.t && git checkout -q main &&
	 git push -q ../u up)
'

test_expect_success 'a review while another worktree commits, fetches and branches: PASS, recorded' '
	reviewer "echo PASS" &&
	busy_review out1 &&
	echo 0 >expect && test_cmp expect out1.rc &&
	test_grep ! "void" out1 &&
	git -C r notes --ref=refs/notes/verdicts show feat >note &&
	test_grep "^Verdict: PASS$" note &&
	test_grep "(sandbox: bwrap)" note &&
	git -C r rev-parse --verify -q busy-out1 &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'a tampering reviewer in that same busy repository: VOID, nothing recorded' '
	git -C r notes --ref=refs/notes/verdicts show feat >before &&
	reviewer "git --git-dir=\"\$ORCH_REPO\" update-ref refs/heads/main \"\$ORCH_COMMIT\"; echo PASS" &&
	busy_review out2 &&
	echo 3 >expect && test_cmp expect out2.rc &&
	test_grep "review void, nothing recorded (review again): the reviewer changed its view of the repository (file .refs/heads/main. created" out2 &&
	test_grep ! "worktree" out2 &&
	git -C r notes --ref=refs/notes/verdicts show feat >after &&
	test_cmp before after &&
	git -C r rev-parse --verify -q busy-out2
'

test_expect_success 'sandbox = auto without a working bwrap: one line says so, and the review still runs' '
	printf "[review]\ncommand = echo PASS\nsandbox = auto\n" >r/.git/orch-hooks.ini &&
	(cd r && ORCH_HOOKS_BWRAP=/nonexistent/bwrap orch-hooks review feat >../out3 2>&1) &&
	test $(grep -c "no sandbox: bubblewrap cannot make one here" out3) = 1 &&
	test_grep "feat .* PASS" out3
'

test_done
