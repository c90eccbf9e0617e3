/*
 * post-merge: the test gate after `git merge` and `git pull` moved a
 * protected branch. git runs it for merge commits (clean, octopus,
 * --no-verify) and for fast-forwards, which run no other hook: a
 * fast-forward must bring a commit with a PASS verdict, or it is undone.
 * Then the tests run; a merge that breaks them is undone, reverted or
 * kept as [test] on_failure says. git ignores this hook's exit status, so
 * everything it has to say is printed, loudly, last.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fast-forward-gate.h"
#include "hook.h"
#include "hooks.h"
#include "hook-repo.h"
#include "undo-undecided.h"

int orch_hook_post_merge(int argc, char **argv)
{
	struct orch_hook_ctx ctx;
	struct orch_hook_merge m;
	struct orch_landed *l = &m.landed;
	git_oid orig;
	int squash = argc > 1 && !strcmp(argv[1], "1");
	int upstream = 0, rc, r;

	orch_hook_hold_signals();
	/* git ignores our exit status; a chained hook's failure is its own to report. */
	orch_hook_run_chained(argv[0], "post-merge", argc, argv, NULL, 0);

	if (orch_hook_merge_take(&m, "post-merge (the test gate)") < 0)
		return 0;

	rc = 1;
	if (orch_hook_ctx_open(&ctx) < 0) {
		orch_undo_undecided(ctx.repo);
		goto done;
	}
	rc = 0;
	if (!ctx.protected)
		goto done;
	if (squash) {
		orch_say("the squashed changes are staged on protected branch '%s', but a squash commit "
			 "there will be refused: it carries no link to the reviewed branch", ctx.target);
		orch_say("  to drop them: git reset --merge; to land the branch: git merge --no-ff BRANCH");
		goto done;
	}
	rc = 1;
	if (orch_orig_head(ctx.repo, &orig) < 0 || orch_hook_merge_read(&ctx, &orig, "post-merge", &m) < 0) {
		orch_undo_undecided(ctx.repo);
		goto done;
	}
	rc = 0;
	if (git_oid_equal(&l->tip, &orig))
		goto done; /* nothing landed */
	/*
	 * A merge commit prepare-commit-msg did not approve was not made by this
	 * merge: git fast-forwarded onto an existing merge commit.
	 */
	if (!l->fast_forward && !orch_hook_merge_approved(&m)) {
		l->fast_forward = 1;
		l->n_merged = 1;
		git_oid_cpy(&l->merged[0], &l->tip);
	}

	rc = 1;
	if (orch_hook_test_gate_lock(&ctx, l) < 0)
		goto done;
	if (l->fast_forward) {
		r = orch_fast_forward_gate(ctx.repo, &ctx.policy, l, &ctx.gate_lock, &upstream);
		if (r != 0 || upstream) {
			rc = r != 0;
			goto done;
		}
	}
	/* A merge carrying changes of its own needs its own review before it is tested. */
	rc = orch_hook_test_landed(&ctx, l);
done:
	orch_hook_merge_release(&m);
	orch_hook_ctx_release(&ctx);
	return rc;
}
