# Shared by the busy-repository review tests (t62xx): a colleague at work in
# its own worktree while a review runs, synchronised through FIFOs (which a
# reviewer can open under bwrap too), so that nothing sleeps to wait.

# A PATH that has everything but bwrap: sandbox = auto then falls back to
# reviewing without one, as on a machine where bubblewrap is not installed.
hide_bwrap() {
	mkdir -p "$TRASH/nobwrap" &&
	for dir in $(printf '%s\n' "$PATH" | tr ':' ' '); do
		ln -s "$dir"/* "$TRASH/nobwrap/" 2>/dev/null
	done
	rm -f "$TRASH/nobwrap/bwrap" &&
	! env PATH="$TRASH/nobwrap" sh -c "command -v bwrap"
}

# reviewer BODY [SANDBOX]: the reviewer says it started, waits for "go", then
# runs BODY and says PASS. Without SANDBOX the policy's default holds.
reviewer() {
	printf 'echo started >"%s/started"\nread go <"%s/go"\n%s\necho PASS\n' "$TRASH" "$TRASH" "$1" \
		>"$TRASH/reviewer.sh" &&
	printf '[review]\ncommand = sh %s/reviewer.sh\ntimeout = 2m\n' "$TRASH" >"$TRASH/r/.git/orch-hooks.ini" &&
	if test -n "$2"; then printf 'sandbox = %s\n' "$2" >>"$TRASH/r/.git/orch-hooks.ini"; fi
}

# A repository r (feat to review, idle), the colleague's worktree wt on work,
# an upstream u it fetches from, and up, which moves u.
setup_busy() {
	mkdir -p tmp &&
	new_repo r &&
	(cd r && branch_with_commit feat feat.c && git branch idle main &&
	 git worktree add -q ../wt -b work main) &&
	git clone -q --bare r u &&
	git clone -q u up &&
	git -C r remote add origin ../u &&
	git -C r fetch -q origin
}

# colleague LABEL: another worker, busy in its worktree while the review runs:
# upstream moves, it commits, leaves staged and unstaged edits, fetches,
# branches, and adds a worktree whose branch tracks the fetched main.
colleague() {
	(cd up && test_commit "up-$1" && git push -q origin HEAD:main) &&
	(cd wt && echo "$1" >>busy.t && git add busy.t && test_tick && git commit -q -m "busy $1" &&
	 echo staged >>busy.t && git add busy.t && echo unstaged >>busy.t &&
	 git fetch -q origin && git branch "busy-$1" &&
	 git worktree add -q "../wt-$1" -b "wt-$1" origin/main &&
	 git -C "../wt-$1" commit -q --allow-empty -m "in wt-$1" &&
	 git -C "../wt-$1" config "branch.wt-$1.rebase" true)
}

# busy_review LABEL: reviews feat while the colleague works (with PATH set to
# $BUSY_PATH when that is set); the output goes to LABEL, the exit status to LABEL.rc.
busy_review() {
	rm -f started go "$1.rc" && mkfifo started go &&
	{ (cd r && exec env PATH="${BUSY_PATH:-$PATH}" orch-hooks review feat >"../$1" 2>&1) & } &&
	pid=$! &&
	if ! timeout 60 sh -c 'read s <started'; then kill $pid; wait $pid; cat "$1"; return 1; fi &&
	colleague "$1" &&
	echo go >go &&
	{ wait $pid; echo $? >"$1.rc"; } &&
	git -C wt rev-parse --verify -q "busy-$1" >/dev/null
}

