#!/bin/sh
# agent-review: hand a branch to a coding agent and pass on its verdict.
#
# ORCH_REVIEW_AGENT is a shell command that reads a prompt on its standard
# input and prints its answer: your agent's non-interactive mode, set up to
# be read-only (see README.md in this directory). This script writes the
# prompt (the task, the rules and the diff), runs the agent in the checkout,
# and exits with the agent's status. orch-hooks then takes the verdict from
# the agent's last PASS/FAIL line; an agent that gives none has failed.
#
# Policy:   [review] command = ORCH_REVIEW_AGENT='...' sh /usr/share/orch-hooks/reviewers/agent-review.sh
#           [review] sandbox = bwrap

set -u

: "${ORCH_REVIEW_AGENT:?set ORCH_REVIEW_AGENT to a command that reads a prompt on stdin}"
: "${ORCH_REPO:?agent-review runs under orch-hooks review (ORCH_REPO is not set)}"
base=${ORCH_BASE:-4b825dc642cb6eb9a060e54bf8d69288fbee4904}
limit=${ORCH_REVIEW_DIFF_LIMIT:-200000}
prompt=${TMPDIR:-/tmp}/agent-review-prompt.$$

{
	cat <<PROMPT
You are reviewing branch '${ORCH_BRANCH:-$ORCH_COMMIT}' (commit ${ORCH_COMMIT}) before it is
merged into '${ORCH_TARGET:-the target}'. Your working directory is a read-only checkout of
that commit. Do not change any file, commit, or run commands that write to the
repository: a review that changes anything is thrown away.

Look for bugs, missing tests, and anything that should not be merged. Report each
problem on its own line as path:line: reason.

End your answer with exactly one line: PASS if the branch may be merged, or
FAIL: <the most important problem> if it may not.

The change, as git diff ${base} ${ORCH_COMMIT}:
PROMPT
	git --git-dir="$ORCH_REPO" diff --no-color --no-ext-diff "$base" "$ORCH_COMMIT" -- | head -c "$limit"
} >"$prompt" || {
	echo "FAIL: cannot write the prompt to ${prompt}"
	exit 1
}

/bin/sh -c "$ORCH_REVIEW_AGENT" <"$prompt"
status=$?
rm -f "$prompt"
exit $status
