/*
 * pre-merge-commit: the first check of the merge gate, for a merge that
 * `git merge` commits by itself. MERGE_HEAD does not exist yet while this
 * runs, so the heads come from GIT_REFLOG_ACTION or FETCH_HEAD; when they
 * cannot be worked out, prepare-commit-msg (which always sees MERGE_HEAD)
 * makes the decision a moment later.
 */
#include "config.h"

#include <stdlib.h>

#include "error.h"
#include "hook.h"
#include "hook-repo.h"
#include "merge-gate.h"

int main(int argc, char **argv)
{
	struct orch_hook_ctx ctx;
	struct orch_merge_head *heads = NULL;
	char *gitdir = orch_hook_git_dir();
	int n = 0, rc = 1;

	if (orch_hook_skipped("pre-merge-commit", gitdir)) {
		free(gitdir);
		return 0;
	}
	free(gitdir);
	rc = orch_hook_run_chained(argv[0], "pre-merge-commit", argc, argv, NULL, 0);
	if (rc)
		return rc;

	rc = 1;
	if (orch_hook_ctx_open(&ctx) < 0) {
		orch_error("merge refused: the merge gate cannot decide; nothing was committed "
			   "(git merge --abort cleans up)");
		goto done;
	}
	if (!ctx.protected) {
		rc = 0;
		goto done;
	}
	n = orch_merge_heads_from_env(ctx.repo, &heads);
	if (n < 0)
		goto done;
	rc = n ? (orch_merge_gate_check(ctx.repo, &ctx.policy, ctx.target, heads, (size_t)n) != 0) : 0;
done:
	orch_merge_heads_free(heads, n > 0 ? (size_t)n : 0);
	orch_hook_ctx_release(&ctx);
	return rc;
}
