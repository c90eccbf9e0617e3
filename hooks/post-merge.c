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
#include "hook.h"
#include "hooks.h"
#include "upstream.h"
#include "hook-repo.h"
#include "run.h"
#include "merge-gate.h"
#include "repo.h"
#include "strbuf.h"
#include "test-gate.h"
#include "trust.h"
#include "undo.h"
#include "verdict.h"

/* Where the branch was before the merge: ORIG_HEAD (HEAD@{1} if that is missing). */
static int read_orig_head(git_repository *repo, git_oid *out)
{
	git_object *obj = NULL;

	if (git_reference_name_to_id(out, repo, "ORIG_HEAD") == 0)
		return 0;
	if (git_revparse_single(&obj, repo, "HEAD@{1}") == 0) {
		git_oid_cpy(out, git_object_id(obj));
		git_object_free(obj);
		return 0;
	}
	return orch_git_error("cannot tell where the branch was before the merge (no ORIG_HEAD)");
}

/* A fast-forward needs a PASS on the commit it brings. Returns 0 if it has one, 1 if undone, -1. */
static int check_fast_forward(struct orch_hook_ctx *ctx, const struct orch_landed *l, int *upstream)
{
	struct orch_judgement_result j;
	char *why, *label, *remote = NULL, *name, *quoted, *hint;
	int r;

	*upstream = 0;
	if (orch_upstream_has(ctx->repo, ctx->target, &l->tip, &remote)) {
		orch_say("'%s' fast-forwarded to %s, which '%s' already has: an update from upstream, "
			 "gated by the server; not tested here", ctx->target, orch_short_oid(&l->tip), remote);
		free(remote);
		*upstream = 1;
		return 0;
	}
	/* The same decision as the merge gate's, [branches] require_signed included. */
	orch_trust_judge_onto(ctx->repo, &ctx->policy, ORCH_TRUST_LOCAL, NULL, &l->tip, &l->orig, &j);
	{
		const struct orch_history_bound bound = ORCH_HISTORY_BOUND_TIP(&l->orig);

		orch_trust_explain_missing(ctx->repo, &ctx->policy, ORCH_TRUST_LOCAL, NULL, &l->tip, &bound, &j, NULL);
	}
	if (j.kind == ORCH_JUDGE_PASS) {
		orch_judgement_result_release(&j);
		return 0;
	}
	label = orch_landed_heads_label(ctx->repo, l);
	why = xasprintf("a fast-forward runs no merge gate, and %s has %s%s%s", label,
			orch_judgement_name(j.kind), j.detail ? ": " : "", j.detail ? j.detail : "");
	name = orch_landed_head_name(ctx->repo, l, 0);
	quoted = orch_shell_quote(name && !strchr(name, ',') ? name : orch_short_oid(&l->tip));
	hint = xasprintf("%s first (orch-hooks review %s), then merge it again; "
			 "git merge --no-ff %s makes a merge commit", orch_trust_fix_hint(j.kind),
			 quoted, quoted);
	r = orch_test_gate_refuse(ctx->repo, l, &ctx->gate_lock, why, hint);
	free(hint);
	free(quoted);
	free(name);
	free(why);
	free(label);
	orch_judgement_result_release(&j);
	return r;
}

/* Runs git in the work tree; its first output line (trimmed) in out. */
static int git_line(const char *const *argv, char *out, size_t len)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	int ret;

	o.argv = argv;
	o.scrub_git_env = 0;	/* this work tree's GIT_DIR is the point here */
	o.timeout_ms = 60 * 1000;
	ret = orch_run(&o, &res);
	if (out)
		snprintf(out, len, "%.*s", (int)strcspn(strbuf_str(&res.output), "\n"), strbuf_str(&res.output));
	if (ret < 0)
		orch_error("'git %s' failed: %s", argv[1], orch_run_tail(&res, 2));
	orch_run_result_release(&res);
	return ret;
}

/*
 * libgit2 could not even read the merge (no memory, no descriptors): git
 * takes it back instead. A two-tree read-tree keeps the person's changes;
 * the branch moves only if it is still at the merge.
 */
static int undo_with_git(void)
{
	const char *head[] = { "git", "rev-parse", "--verify", "--quiet", "HEAD", NULL };
	const char *orig[] = { "git", "rev-parse", "--verify", "--quiet", "ORIG_HEAD", NULL };
	const char *branch[] = { "git", "symbolic-ref", "-q", "HEAD", NULL };
	char m[128], o[128], ref[512];
	const char *read_tree[] = { "git", "read-tree", "-m", "-u", m, o, NULL };
	const char *update[] = { "git", "update-ref", "-m", "orch-hooks: undo a merge the gate could not judge",
				 ref, o, m, NULL };

	if (git_line(head, m, sizeof(m)) < 0 || git_line(orig, o, sizeof(o)) < 0 ||
	    git_line(branch, ref, sizeof(ref)) < 0)
		return -1;
	if (!strcmp(m, o))
		return 1;
	if (git_line(read_tree, NULL, 0) < 0 || git_line(update, NULL, 0) < 0)
		return -1;
	orch_say("MERGE REFUSED: the test gate could not judge it, so git took it back: '%s' is back at %s, "
		 "your uncommitted changes kept; fix the problem above, then merge again", ref, o);
	return 0;
}

/* The gate cannot load its policy or repository: fail closed, take the merge back. */
static int cannot_decide(struct orch_hook_ctx *ctx)
{
	struct orch_landed l;
	char *target = NULL;
	git_oid orig;
	int r = -1;

	orch_error("the test gate cannot decide (see above)");
	if (!ctx->repo || !(target = orch_repo_current_branch(ctx->repo)) ||
	    read_orig_head(ctx->repo, &orig) < 0 || orch_landed_from_head(ctx->repo, target, &orig, &l) < 0) {
		free(target);
		if (undo_with_git() >= 0)
			return 1;
		orch_say("the merge was NOT TESTED and is still on the branch: fix the problem above, "
			 "then run the tests yourself, or undo it: git reset --keep ORIG_HEAD");
		return -1;
	}
	l.hook = "post-merge";
	if (!git_oid_equal(&l.tip, &orig))
		r = orch_test_gate_refuse(ctx->repo, &l, NULL, "the test gate cannot decide (see above)",
					  "fix the problem above, then merge again");
	orch_landed_release(&l);
	free(target);
	return r;
}

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
		cannot_decide(&ctx);
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
	if (read_orig_head(ctx.repo, &orig) < 0 || orch_hook_merge_read(&ctx, &orig, "post-merge", &m) < 0) {
		cannot_decide(&ctx);
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
		r = check_fast_forward(&ctx, l, &upstream);
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
