/*
 * post-commit: the test gate for a merge that `git merge` did not finish
 * itself (a conflicted or --no-commit merge concluded with `git commit` or
 * `git merge --continue`), where git runs no post-merge. prepare-commit-msg
 * leaves a marker when it approves such a merge onto a protected branch;
 * without the marker (every ordinary commit) this returns at once, without
 * loading libgit2.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "handoff.h"
#include "hook.h"
#include "hooks.h"
#include "hook-repo.h"
#include "repo.h"
#include "test-gate.h"
#include "undo.h"

/* HEAD's first parent: where the branch was before the merge commit. */
static int first_parent(git_repository *repo, git_oid *out, unsigned *parents)
{
	git_commit *head = NULL;
	git_oid id;

	*parents = 0;
	if (git_reference_name_to_id(&id, repo, "HEAD") < 0 || git_commit_lookup(&head, repo, &id) < 0)
		return orch_git_error("cannot read the commit just made");
	*parents = git_commit_parentcount(head);
	if (*parents)
		git_oid_cpy(out, git_commit_parent_id(head, 0));
	git_commit_free(head);
	return 0;
}

int orch_hook_post_commit(int argc, char **argv)
{
	struct orch_hook_ctx ctx;
	struct orch_hook_merge m;
	git_oid orig;
	unsigned parents = 0;
	char *gitdir;
	int waiting, rc;

	orch_hook_hold_signals();
	orch_hook_run_chained(argv[0], "post-commit", argc, argv, NULL, 0);

	/* The hot path: no approved merge is waiting for its tests. */
	gitdir = orch_hook_git_dir();
	waiting = orch_handoff_exists(gitdir, ORCH_HANDOFF_MARKER);
	free(gitdir);
	if (!waiting || orch_hook_merge_take(&m, "post-commit (the test gate)") < 0)
		return 0;

	rc = 1;
	if (orch_hook_ctx_open(&ctx) < 0) {
		orch_error("the test gate cannot decide (see above): the merge just committed was NOT "
			   "TESTED; fix the problem, then run the tests or undo it: git reset --keep HEAD^");
		goto done;
	}
	rc = 0;
	if (!ctx.protected)
		goto done;
	if (first_parent(ctx.repo, &orig, &parents) < 0) {
		rc = 1;
		goto done;
	}
	if (parents < 2)
		goto done; /* a marker left by a merge commit that was never made */
	if (orch_hook_merge_read(&ctx, &orig, "post-commit", &m) < 0) {
		rc = 1;
		goto done;
	}
	if (!orch_hook_merge_approved(&m))
		goto done; /* a stale marker: this merge commit is not the one approved */

	rc = 1;
	if (orch_hook_test_gate_lock(&ctx, &m.landed) < 0)
		goto done;
	/* A resolved conflict or an edit made during the merge needs the merge's own review. */
	rc = orch_hook_test_landed(&ctx, &m.landed);
done:
	orch_hook_merge_release(&m);
	orch_hook_ctx_release(&ctx);
	return rc;
}
