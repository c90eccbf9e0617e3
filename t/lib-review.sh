# Helpers of the review tests (t6xxx). Sourced after t/lib.sh.

LINT="$ORCH_HOOKS_SRC/etc/reviewers/diff-lint.sh"
# A private TMPDIR, so that the review directories can be counted.
export TMPDIR="$TRASH/tmp"
mkdir -p "$TMPDIR"

# tmp_is_empty: no review left anything behind in TMPDIR.
tmp_is_empty() {
	test -z "$(ls -A "$TMPDIR")" || { ls -la "$TMPDIR" >&2; return 1; }
}

# reviewer BODY [TIMEOUT]: the policy of repository r gets the shell script BODY
# as its reviewer, with TIMEOUT (default $REVIEW_TIMEOUT, else 1m). Without a
# sandbox: these reviewers write outside the repository (their bookkeeping in
# the trash directory; what the check after an unsandboxed review must see),
# which the default, sandbox = auto, would forbid wherever bwrap works.
reviewer() {
	mkdir -p "$TRASH/reviewers" &&
	printf '%s\n' "$1" >"$TRASH/reviewers/r.sh" &&
	printf '[review]\ncommand = sh %s/reviewers/r.sh\ntimeout = %s\nsandbox = none\n' "$TRASH" \
		"${2:-${REVIEW_TIMEOUT:-1m}}" >"$TRASH/r/.git/orch-hooks.ini"
}
