#ifndef ORCH_HOOK_REPO_H
#define ORCH_HOOK_REPO_H

#include <git2.h>

#include "policy.h"

/* The expensive part of a hook: libgit2, the repository and the policy. */
struct orch_hook_ctx {
	git_repository *repo;
	struct orch_policy policy;
	char *commondir;
	char *target;	/* checked-out branch, short name; NULL when detached */
	int protected;	/* target matches [branches] protected */
};

/* Returns 0, or -1 after saying why (the gate must then refuse). */
int orch_hook_ctx_open(struct orch_hook_ctx *ctx);
void orch_hook_ctx_release(struct orch_hook_ctx *ctx);

struct orch_landed;
struct orch_gate_lock;

/*
 * The test gate's start, once a hook knows what landed: takes the gate lock
 * (refusing the merge while another test gate runs: -1), then finishes an
 * undo broken off by an earlier gate. From here on a Ctrl-C stops the tests
 * (orch_run handles it), never a half-done undo.
 */
int orch_hook_test_gate_lock(struct orch_hook_ctx *ctx, const struct orch_landed *l, struct orch_gate_lock *lock);

/*
 * Checks the merge's changes of its own (they need their own review), then
 * runs the tests: 0 when the merge stays, nonzero when it was refused.
 */
int orch_hook_test_landed(struct orch_hook_ctx *ctx, const struct orch_landed *l, struct orch_gate_lock *lock);

#endif
