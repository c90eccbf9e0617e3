/*
 * prepare-commit-msg: the merge gate's backstop. git runs it on every path
 * that makes a merge commit (--no-verify, a conflicted or refused merge
 * finished with `git commit`, `git merge --continue`), with MERGE_HEAD in
 * place, so the same verdict check runs here. On an ordinary commit it
 * returns before loading libgit2.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hook.h"
#include "hooks.h"
#include "hook-repo.h"
#include "merge-gate.h"
#include "merge-marker.h"

/* Leaves a trailer in the merge message so the bypass shows in history. */
static void record_skip_in_message(const char *msg_file)
{
	const char *reason = getenv("ORCH_HOOKS_SKIP");
	FILE *f = msg_file ? fopen(msg_file, "a") : NULL;

	if (!f)
		return;
	fprintf(f, "\nOrch-Hooks-Skipped: ");
	for (; *reason; reason++)
		fputc(*reason == '\n' ? ' ' : *reason, f);
	fputc('\n', f);
	fclose(f);
}

int orch_hook_prepare_commit_msg(int argc, char **argv)
{
	struct orch_hook_ctx ctx;
	struct orch_merge_head *heads = NULL;
	char *gitdir;
	int merging, squashing, n = 0, rc;

	rc = orch_hook_run_chained(argv[0], "prepare-commit-msg", argc, argv, NULL, 0);
	if (rc)
		return rc;

	/* The hot path: an ordinary commit has nothing for us to check. */
	gitdir = orch_hook_git_dir();
	merging = orch_hook_git_file_exists(gitdir, "MERGE_HEAD");
	/* SQUASH_MSG, not $2: `git commit -m` after `merge --squash` says "message". */
	squashing = orch_hook_git_file_exists(gitdir, "SQUASH_MSG");
	if (!merging && !squashing) {
		free(gitdir);
		return 0;
	}
	if (orch_hook_skipped("prepare-commit-msg", gitdir)) {
		record_skip_in_message(argc > 1 ? argv[1] : NULL);
		free(gitdir);
		return 0;
	}
	free(gitdir);

	rc = 1;
	if (orch_hook_ctx_open(&ctx) < 0) {
		orch_error("commit refused: the merge gate cannot decide; nothing was committed "
			   "(git merge --abort cleans up)");
		goto done;
	}
	if (!ctx.protected) {
		rc = 0;
		goto done;
	}
	if (squashing && !merging) {
		orch_error("squash commit onto protected branch '%s' refused: a squash commit "
			   "carries no link to the reviewed branch, so no verdict can vouch for it",
			   ctx.target);
		orch_say("  merge the reviewed branch instead: git reset --merge && git merge --no-ff BRANCH");
		goto done;
	}
	n = orch_merge_heads_from_merge_head(ctx.repo, &heads);
	if (n < 0)
		goto done;
	rc = orch_merge_gate_check(ctx.repo, &ctx.policy, ctx.target, heads, (size_t)n) != 0;
	/* Tells the test gate (post-merge or post-commit) which merge it approved. */
	if (!rc && orch_merge_marker_write(git_repository_path(ctx.repo), heads, (size_t)n) < 0)
		rc = 1;
done:
	orch_merge_heads_free(heads, n > 0 ? (size_t)n : 0);
	orch_hook_ctx_release(&ctx);
	return rc;
}
