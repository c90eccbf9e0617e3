#ifndef ORCH_TEST_GATE_H
#define ORCH_TEST_GATE_H

#include <git2.h>

#include "gate-lock.h"
#include "policy.h"

/*
 * The test gate: after a merge lands on a protected branch, the policy's
 * [test] command runs against the merged work tree; when it fails, the
 * merge is undone, reverted or kept ([test] on_failure), the person is told
 * which merge broke the branch, and the result is recorded as a note on the
 * merge under [notes] tests_ref.
 */

/* A merge that has just landed on a branch. */
struct orch_landed {
	const char *target;	/* the branch, short name */
	git_oid tip;		/* its new tip: the merge commit, or the fast-forward's tip */
	git_oid orig;		/* its tip before the merge */
	git_oid *merged;	/* the heads merged (the tip itself for a fast-forward) */
	size_t n_merged;
	int fast_forward;
	const char *hook;	/* the hook that runs the gate, for messages */
};

/*
 * Fills `out` for HEAD on `target` after a merge from `orig`: a merge
 * commit's heads are its parents after the first; a fast-forward's head is
 * the tip. Returns 0, or -1 after saying why.
 */
int orch_landed_from_head(git_repository *repo, const char *target, const git_oid *orig,
			  struct orch_landed *out);
void orch_landed_release(struct orch_landed *l);

/* The branches (other than the target) at head i, joined by "', '" (caller frees), or NULL. */
char *orch_landed_head_name(git_repository *repo, const struct orch_landed *l, size_t i);

/* "'feat' (abc123def456)", or "commit abc123def456", for each head (caller frees). */
char *orch_landed_heads_label(git_repository *repo, const struct orch_landed *l);

/* How long the gate waits for another gate's lock: the test timeout and a minute. */
unsigned orch_test_gate_lock_wait_ms(const struct orch_policy *policy);

/*
 * Runs the tests of a landed merge and acts on the result. `lock`, held by
 * the caller (may be NULL), records what the gate is doing. Returns 0 when
 * the merge stays (passed, or nothing to test), 1 when it failed (handled and
 * reported), -1 on an error (reported).
 */
int orch_test_gate_run(git_repository *repo, const struct orch_policy *policy,
		       const struct orch_landed *l, struct orch_gate_lock *lock);

/*
 * The merge cannot stay for a reason other than its tests (it was never
 * reviewed, or the gate cannot decide): it is undone, whatever on_failure
 * says, and the person is told `why` and, if not NULL, `hint` (what to do
 * instead). Returns 1 when undone, -1 when it
 * could not be (reported).
 */
int orch_test_gate_refuse(git_repository *repo, const struct orch_landed *l,
			  struct orch_gate_lock *lock, const char *why, const char *hint);

#endif
