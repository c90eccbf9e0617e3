#ifndef ORCH_HOOK_REPO_H
#define ORCH_HOOK_REPO_H

#include <git2.h>

#include "gate-lock.h"
#include "policy.h"
#include "test-gate.h"

/* The expensive part of a hook: libgit2, the repository and the policy. */
struct orch_hook_ctx {
	git_repository *repo;
	struct orch_policy policy;
	char *commondir;
	char *target;	/* checked-out branch, short name; NULL when detached */
	int protected;	/* target matches [branches] protected */
	struct orch_gate_lock gate_lock;	/* the test gate's: orch_hook_test_gate_lock takes it */
};

/* Returns 0, or -1 after saying why (the gate must then refuse). */
int orch_hook_ctx_open(struct orch_hook_ctx *ctx);
/* Lets the gate lock go too, when it was taken. */
void orch_hook_ctx_release(struct orch_hook_ctx *ctx);

/*
 * The test gate's start, once a hook knows what landed: takes the gate lock
 * (refusing the merge while another test gate runs: -1), then finishes an
 * undo broken off by an earlier gate. From here on a Ctrl-C stops the tests
 * (orch_run handles it), never a half-done undo.
 */
int orch_hook_test_gate_lock(struct orch_hook_ctx *ctx, const struct orch_landed *l);

/*
 * Checks the merge's changes of its own (they need their own review), then
 * runs the tests: 0 when the merge stays, nonzero when it was refused.
 */
int orch_hook_test_landed(struct orch_hook_ctx *ctx, const struct orch_landed *l);

/*
 * The merge a test-gate hook (post-merge, post-commit) judges: the heads
 * prepare-commit-msg approved (the merge marker's ids) and what landed.
 */
struct orch_hook_merge {
	git_oid *approved;
	int n_approved;
	struct orch_landed landed;
};

/*
 * The test gate's first step: takes the merge marker into m (so that it
 * never outlives the merge it was left for), then honours ORCH_HOOKS_SKIP
 * for `hook`. Returns 0, or -1 (m left empty) when the person skips the gate.
 */
int orch_hook_merge_take(struct orch_hook_merge *m, const char *hook);

/* What landed on ctx->target since orig, for `hook`'s messages. Returns 0, or -1 after saying why. */
int orch_hook_merge_read(struct orch_hook_ctx *ctx, const git_oid *orig, const char *hook,
			 struct orch_hook_merge *m);

/* 1 if prepare-commit-msg approved every head that landed. */
int orch_hook_merge_approved(const struct orch_hook_merge *m);

void orch_hook_merge_release(struct orch_hook_merge *m);

#endif
