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

/* An undo broken off by an earlier gate is finished before anything else. */
void orch_hook_finish_broken_undo(git_repository *repo);

#endif
