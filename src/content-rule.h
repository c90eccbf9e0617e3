#ifndef ORCH_CONTENT_RULE_H
#define ORCH_CONTENT_RULE_H

#include <git2.h>

#include "gate-lock.h"
#include "policy.h"
#include "test-gate.h"

/*
 * The content rule on the person's own protected branch: a merge commit
 * that just landed there (post-merge, post-commit) must be the automatic
 * merge of its parents, or carry its own valid PASS. One that carries
 * changes of its own without it (a resolved conflict, an edit made during
 * `git merge --no-commit`) is undone like a merge that broke the tests, is
 * remembered in $GIT_DIR/ORCH_UNREVIEWED_MERGE (src/handoff.h) for `land --continue`, and
 * the person is told how to have it reviewed. Returns 0 when the merge may
 * stay, 1 when it was undone, -1 when the gate cannot decide (reported).
 */
int orch_content_rule_check_landed(git_repository *repo, const struct orch_policy *policy,
				   const struct orch_landed *l, struct orch_gate_lock *lock);

/* Whether `commit` has a valid PASS of its own under the local policy: 1, 0, or -1 (reported). */
int orch_content_rule_own_pass(git_repository *repo, const struct orch_policy *policy,
			       const git_oid *commit);

#endif
