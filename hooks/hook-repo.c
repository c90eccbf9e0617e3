#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "content-rule.h"
#include "gate-lock.h"
#include "hook.h"
#include "hook-repo.h"
#include "merge-marker.h"
#include "repo.h"
#include "test-gate.h"
#include "undo.h"

int orch_hook_ctx_open(struct orch_hook_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->gate_lock = (struct orch_gate_lock)ORCH_GATE_LOCK_INIT;
	orch_policy_init(&ctx->policy);
	if (orch_libgit2_init() < 0)
		return -1;
	orch_libgit2_hook_opts();
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
	orch_gate_lock_release(&ctx->gate_lock);
	git_repository_free(ctx->repo);
	orch_policy_release(&ctx->policy);
	free(ctx->commondir);
	free(ctx->target);
	memset(ctx, 0, sizeof(*ctx));
	ctx->gate_lock = (struct orch_gate_lock)ORCH_GATE_LOCK_INIT;
	orch_libgit2_shutdown();
}

int orch_hook_test_gate_lock(struct orch_hook_ctx *ctx, const struct orch_landed *l)
{
	int resumed;

	if (orch_gate_lock_take(&ctx->gate_lock, ctx->commondir, orch_test_gate_lock_wait_ms(&ctx->policy)) < 0) {
		orch_test_gate_refuse(ctx->repo, l, NULL, "the merge cannot be tested while another test "
				      "gate runs in this repository", "merge again when it has finished");
		return -1;
	}
	orch_undo_resume(ctx->repo, &resumed);
	return 0;
}

int orch_hook_test_landed(struct orch_hook_ctx *ctx, const struct orch_landed *l)
{
	if (orch_content_rule_check_landed(ctx->repo, &ctx->policy, l, &ctx->gate_lock) != 0)
		return 1;
	return orch_test_gate_run(ctx->repo, &ctx->policy, l, &ctx->gate_lock) != 0;
}

int orch_hook_merge_read(struct orch_hook_ctx *ctx, const git_oid *orig, const char *hook,
			 struct orch_hook_merge *m)
{
	if (orch_landed_from_head(ctx->repo, ctx->target, orig, &m->landed) < 0)
		return -1;
	m->landed.hook = hook;
	return 0;
}

int orch_hook_merge_take(struct orch_hook_merge *m, const char *hook)
{
	char *gitdir = orch_hook_git_dir();
	int skipped;

	memset(m, 0, sizeof(*m));
	m->n_approved = orch_merge_marker_take(gitdir, &m->approved);
	skipped = orch_hook_skipped(hook, gitdir);
	free(gitdir);
	if (skipped)
		orch_hook_merge_release(m);
	return skipped ? -1 : 0;
}

int orch_hook_merge_approved(const struct orch_hook_merge *m)
{
	return m->n_approved > 0 &&
	       orch_merge_marker_matches(m->approved, (size_t)m->n_approved, m->landed.merged, m->landed.n_merged);
}

void orch_hook_merge_release(struct orch_hook_merge *m)
{
	orch_landed_release(&m->landed);
	free(m->approved);
	memset(m, 0, sizeof(*m));
}
