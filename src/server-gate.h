#ifndef ORCH_SERVER_GATE_H
#define ORCH_SERVER_GATE_H

#include <git2.h>

#include "policy.h"
#include "receive-lines.h"

/*
 * The server gate (pre-receive of the shared bare repository). For every
 * protected branch the push updates:
 *  - deleting it, or moving it to a commit that does not contain its old tip,
 *    is refused;
 *  - the new commits are those reachable from the new tip and from no
 *    protected branch (work parked on other refs is checked when it lands);
 *    only the branch's own first-parent chain is judged: every merge on it
 *    needs a valid PASS verdict on each non-first parent that no protected
 *    branch reached before (merges inside a merged branch need none);
 *  - the content rule: every new commit on that chain is a merge whose tree
 *    is the automatic merge of its parents (src/automerge.h), or carries
 *    its own valid PASS; unless [server] allow_direct, a commit that is not
 *    a merge needs that PASS too. The first push of a protected branch into
 *    a repository that has none is the adoption of its history: accepted as
 *    the baseline (see "Adopting orch-hooks" in the README).
 * Verdicts are read from the notes as they will be after the push; the notes
 * ref may only fast-forward. Then [server] test_command, if set, runs on a
 * checkout of each new tip.
 *
 * Returns 0 to accept the whole push, 1 when it is refused (every reason
 * printed), -1 when the gate cannot decide (printed; refuse too).
 */
int orch_server_gate_check(git_repository *repo, const struct orch_policy *policy,
			   const struct orch_ref_updates *updates);

/* How far ahead of the server's clock a verdict's Date may be (seconds). */
#define ORCH_SERVER_CLOCK_SKEW 300

/* How many offending commits a refusal lists per ref before summing up the rest. */
#define ORCH_SERVER_MAX_LISTED 20

#endif
