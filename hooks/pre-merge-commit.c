/*
 * pre-merge-commit: the first check of the merge gate, for a merge that
 * `git merge` commits by itself. MERGE_HEAD does not exist yet while this
 * runs, so the heads come from GIT_REFLOG_ACTION or FETCH_HEAD; when they
 * cannot be worked out, prepare-commit-msg (which always sees MERGE_HEAD)
 * makes the decision a moment later.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "handoff.h"
#include "hook.h"
#include "hooks.h"
#include "hook-repo.h"
#include "merge-gate.h"
#include "strbuf.h"

/*
 * Leaves prepare-commit-msg the word that this merge passed (src/handoff.h).
 * Best effort: without it, prepare-commit-msg simply checks again.
 */
static void write_stamp(const char *gitdir, int protected, const struct orch_merge_head *heads,
			size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;

	for (i = 0; i < n; i++)
		orch_handoff_heads_add(&sb, git_oid_tostr(hex, sizeof(hex), &heads[i].oid));
	orch_handoff_stamp_write(gitdir, protected, &sb);
	strbuf_release(&sb);
}

int orch_hook_pre_merge_commit(int argc, char **argv)
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
	n = orch_merge_heads_from_env(ctx.repo, &heads);
	if (n < 0)
		goto done;
	rc = n && ctx.protected ?
		(orch_merge_gate_check(ctx.repo, &ctx.policy, ctx.target, heads, (size_t)n) != 0) : 0;
	if (!rc && n)
		write_stamp(git_repository_path(ctx.repo), ctx.protected, heads, (size_t)n);
done:
	orch_merge_heads_free(heads, n > 0 ? (size_t)n : 0);
	orch_hook_ctx_release(&ctx);
	return rc;
}
