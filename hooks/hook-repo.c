#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hook-repo.h"
#include "repo.h"
#include "undo.h"

int orch_hook_ctx_open(struct orch_hook_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	orch_policy_init(&ctx->policy);
	if (orch_libgit2_init() < 0)
		return -1;
	if (orch_repo_open_env(&ctx->repo) < 0)
		return -1;
	ctx->commondir = orch_repo_commondir(ctx->repo);
	if (orch_policy_load(&ctx->policy, ctx->commondir) < 0)
		return -1;
	ctx->target = orch_repo_current_branch(ctx->repo);
	ctx->protected = orch_branch_is_protected(&ctx->policy, ctx->target);
	return 0;
}

void orch_hook_ctx_release(struct orch_hook_ctx *ctx)
{
	git_repository_free(ctx->repo);
	orch_policy_release(&ctx->policy);
	free(ctx->commondir);
	free(ctx->target);
	memset(ctx, 0, sizeof(*ctx));
	orch_libgit2_shutdown();
}

void orch_hook_finish_broken_undo(git_repository *repo)
{
	int resumed;

	orch_undo_resume(repo, &resumed);
}
