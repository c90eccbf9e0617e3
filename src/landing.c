#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "landing.h"
#include "repo.h"
#include "strbuf.h"

/* Collects the paths whose uncommitted changes are in the way. */
static int note_conflict(git_checkout_notify_t why, const char *path, const git_diff_file *baseline,
			 const git_diff_file *target, const git_diff_file *workdir, void *payload)
{
	struct strbuf *paths = payload;

	(void)why;
	(void)baseline;
	(void)target;
	(void)workdir;
	if (paths->len < 2000)
		strbuf_addf(paths, "%s'%s'", paths->len ? ", " : "", path);
	else if (paths->buf[paths->len - 1] != '.')
		strbuf_adds(paths, ", ...");
	return 0;
}

int orch_take_back_in_place(git_repository *repo, const char *branch, const git_oid *merge, const git_oid *orig)
{
	git_reference *ref = NULL;
	const git_oid *at;
	int ret = -1;

	if (!orch_repo_head_on(repo, branch))
		orch_error("HEAD is no longer on '%s'; the merge %s was not taken back", branch, orch_short_oid(merge));
	else if (git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL) < 0 || !(at = git_reference_target(ref)))
		orch_git_error("cannot read branch '%s'", branch);
	else if (git_oid_equal(at, merge))
		ret = 1;
	else if (orig && git_oid_equal(at, orig))
		ret = 0;
	else
		orch_error("'%s' has moved on to %s meanwhile; the merge %s was not taken back", branch,
			   orch_short_oid(at), orch_short_oid(merge));
	git_reference_free(ref);
	return ret;
}

static int make_revert(git_repository *repo, const git_commit *merge, const git_commit *orig,
		       const git_tree *tree, const char *why, git_oid *out)
{
	git_signature *sig = NULL;
	char mhex[GIT_OID_HEXSZ + 1], ohex[GIT_OID_HEXSZ + 1];
	char *msg;
	const git_commit *parents[1];
	int ret;

	if (orch_repo_signature(repo, &sig) < 0)
		return -1;
	git_oid_tostr(mhex, sizeof(mhex), git_commit_id(merge));
	git_oid_tostr(ohex, sizeof(ohex), git_commit_id(orig));
	msg = xasprintf("Revert \"%s\"\n\nThis reverts commit %s, reversing\nchanges made to %s.\n\n%s\n",
			git_commit_summary((git_commit *)merge), mhex, ohex, why);
	parents[0] = merge;
	ret = git_commit_create(out, repo, NULL, sig, sig, NULL, msg, tree, 1, parents);
	if (ret < 0)
		orch_git_error("cannot make the revert commit of %s", orch_short_oid(git_commit_id(merge)));
	free(msg);
	git_signature_free(sig);
	return ret < 0 ? -1 : 0;
}

int orch_take_back(git_repository *repo, enum orch_take_back how, const char *branch,
		   const git_oid *merge, const git_oid *orig, const char *why, git_oid *new_tip)
{
	git_checkout_options co;
	git_commit *mc = NULL, *oc = NULL;
	git_tree *otree = NULL, *mtree = NULL;
	struct strbuf conflicts = STRBUF_INIT;
	char *log = NULL;
	git_oid target;
	int err, ret = -1;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	if (orch_take_back_in_place(repo, branch, merge, NULL) < 0) {
		ret = 1;
		goto done;
	}
	if (git_commit_lookup(&mc, repo, merge) < 0 || git_commit_lookup(&oc, repo, orig) < 0 ||
	    git_commit_tree(&mtree, mc) < 0 || git_commit_tree(&otree, oc) < 0) {
		orch_git_error("cannot read the merge %s or the commit before it", orch_short_oid(merge));
		goto done;
	}
	if (how == ORCH_TAKE_BACK_REVERT) {
		if (make_revert(repo, mc, oc, otree, why, &target) < 0)
			goto done;
	} else {
		git_oid_cpy(&target, orig);
	}

	/* Checkout first: it checks every path before it writes any, so a
	 * conflict with the person's changes leaves everything untouched. */
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.baseline = mtree;
	co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
	co.notify_cb = note_conflict;
	co.notify_payload = &conflicts;
	err = git_checkout_tree(repo, (git_object *)otree, &co);
	if (err == GIT_ECONFLICT) {
		orch_error("cannot take the merge back: uncommitted changes to %s are in the way; "
			   "nothing was changed", strbuf_str(&conflicts));
		orch_say("  keep your changes aside and undo it by hand: git stash && git reset --keep %s "
			 "&& git stash pop", orch_short_oid(orig));
		ret = 1;
		goto done;
	}
	if (err < 0) {
		orch_git_error("checkout of %s failed", orch_short_oid(orig));
		orch_say("  the work tree may be half undone; '%s' is still at the merge %s",
			 branch, orch_short_oid(merge));
		orch_say("  to finish: git stash && git reset --keep %s && git stash pop", orch_short_oid(orig));
		goto done;
	}

	log = xasprintf("orch-hooks: %s merge %s: %s", how == ORCH_TAKE_BACK_REVERT ? "revert" : "undo",
			orch_short_oid(merge), why);
	if (orch_branch_move(repo, branch, merge, &target, log) < 0) {
		orch_git_error("cannot move '%s' from %s to %s", branch, orch_short_oid(merge),
			       orch_short_oid(&target));
		orch_say("  the work tree now holds the files of %s while '%s' is elsewhere: "
			 "look at 'git status' before going on", orch_short_oid(orig), branch);
		goto done;
	}
	git_oid_cpy(new_tip, &target);
	ret = 0;
done:
	git_tree_free(otree);
	git_tree_free(mtree);
	git_commit_free(oc);
	git_commit_free(mc);
	strbuf_release(&conflicts);
	free(log);
	return ret;
}
