#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "land-advance.h"
#include "repo.h"
#include "strbuf.h"

/* HEAD must be on `refname`, and it at `from`: else someone else moved it. */
static int still_at(git_repository *repo, const char *refname, const char *onto, const git_oid *from)
{
	git_reference *head = NULL;
	git_oid now;
	int ok = 0;

	if (git_reference_lookup(&head, repo, "HEAD") < 0 || git_reference_type(head) != GIT_REFERENCE_SYMBOLIC ||
	    strcmp(git_reference_symbolic_target(head), refname)) {
		orch_error("HEAD is no longer on '%s': land does not move it", onto);
	} else if (git_reference_name_to_id(&now, repo, refname) < 0) {
		orch_git_error("cannot read '%s'", onto);
	} else if (!git_oid_equal(&now, from)) {
		orch_error("'%s' moved from %s to %s while land was testing: nothing lands over it", onto,
			   orch_short_oid(from), orch_short_oid(&now));
	} else {
		ok = 1;
	}
	git_reference_free(head);
	return ok;
}

/* A safe checkout of `to`'s tree over `from`'s: refuses, touching nothing, if a change is in the way. */
static int check_out(git_repository *repo, const git_oid *from, const git_oid *to)
{
	git_checkout_options co;
	git_tree *ft = NULL, *tt = NULL;
	int err = -1;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	if (orch_commit_tree(repo, from, &ft) < 0 || orch_commit_tree(repo, to, &tt) < 0) {
		orch_git_error("cannot read %s or %s", orch_short_oid(from), orch_short_oid(to));
		goto done;
	}
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.baseline = ft;
	err = git_checkout_tree(repo, (git_object *)tt, &co);
	if (err == GIT_ECONFLICT)
		orch_error("uncommitted changes in the work tree are in the way of %s; nothing was changed",
			   orch_short_oid(to));
	else if (err < 0)
		orch_git_error("cannot check out %s", orch_short_oid(to));
done:
	git_tree_free(tt);
	git_tree_free(ft);
	return err == GIT_ECONFLICT ? 1 : err < 0 ? -1 : 0;
}

/* The swap failed: the work tree goes back to `from`'s files. 1 when someone else moved the target, else -1. */
static int put_back(git_repository *repo, const char *onto, const git_oid *from, const git_oid *to, int err)
{
	if (err == GIT_EMODIFIED)
		orch_error("'%s' moved away from %s while land was testing: nothing lands over it", onto,
			   orch_short_oid(from));
	else
		orch_git_error("cannot move '%s' from %s to %s", onto, orch_short_oid(from), orch_short_oid(to));
	if (check_out(repo, to, from) != 0)
		orch_say("  the work tree holds the files of %s while '%s' is elsewhere: look at 'git status'",
			 orch_short_oid(to), onto);
	return err == GIT_EMODIFIED ? 1 : -1;
}

int land_advance(git_repository *repo, const char *onto, const git_oid *from, const git_oid *to, const char *why)
{
	char *refname = xasprintf("refs/heads/%s", onto);
	int r = still_at(repo, refname, onto, from) ? check_out(repo, from, to) : 1, e;

	if (r == 0) {
		e = orch_branch_move(repo, onto, from, to, why);
		if (e < 0)
			r = put_back(repo, onto, from, to, e);
	}
	free(refname);
	return r;
}
