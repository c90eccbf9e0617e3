#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "carry-over.h"
#include "error.h"
#include "repo.h"
#include "strbuf.h"

/* The longest series compared: a rebase of more commits needs a new review. */
#define MAX_SERIES 1000

void orch_carry_release(struct orch_carry *c)
{
	free(c->why);
	memset(c, 0, sizeof(*c));
}

static int patch_id_of(git_repository *repo, const git_commit *c, git_oid *out)
{
	git_diff *diff = NULL;
	git_diff_options o;
	int ret = 0;

	/* As git diffs by default: its indent heuristic places a hunk as git does. */
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags |= GIT_DIFF_INDENT_HEURISTIC;
	/* git patch-id prints nothing for an empty change: give it an id no change has. */
	if (orch_commit_diff(&diff, repo, c, &o) < 0)
		ret = -1;
	else if (!git_diff_num_deltas(diff))
		memset(out, 0, sizeof(*out));
	else if (git_diff_patchid(out, diff, NULL) < 0)
		ret = -1;
	if (ret < 0)
		orch_git_error("cannot compute the patch-id of %s", orch_short_oid(git_commit_id(c)));
	git_diff_free(diff);
	return ret;
}

/* The series and its base; 1 with *why set when it is not one to carry over. */
static int series(git_repository *repo, const git_oid *tip, const git_oid *target, git_oid **out, size_t *n,
		  git_oid *base, char **why)
{
	git_oid cur;
	git_oid *ids = NULL;
	size_t k = 0, i;
	int ret = 1;

	*out = NULL;
	*n = 0;
	if (git_merge_base(base, repo, tip, target) < 0) {
		*why = xasprintf("%s shares no history with the target", orch_short_oid(tip));
		return 1;
	}
	git_oid_cpy(&cur, tip);
	while (!git_oid_equal(&cur, base)) {
		git_commit *c = NULL;

		if (k == MAX_SERIES) {
			*why = xasprintf("more than %d commits", MAX_SERIES);
			goto done;
		}
		if (git_commit_lookup(&c, repo, &cur) < 0) {
			ret = orch_git_error("cannot read commit %s", orch_short_oid(&cur));
			goto done;
		}
		if (git_commit_parentcount(c) != 1) {
			*why = xasprintf("commit %s is %s: only a series of plain commits is carried over",
					 orch_short_oid(&cur), git_commit_parentcount(c) ? "a merge" : "a root commit");
			git_commit_free(c);
			goto done;
		}
		ids = xrealloc(ids, (k + 1) * sizeof(*ids));
		if (patch_id_of(repo, c, &ids[k]) < 0) {
			git_commit_free(c);
			ret = -1;
			goto done;
		}
		k++;
		git_oid_cpy(&cur, git_commit_parent_id(c, 0));
		git_commit_free(c);
	}
	if (!k) {
		*why = xasprintf("%s has no commits of its own: it is in the target", orch_short_oid(tip));
		goto done;
	}
	for (i = 0; i < k / 2; i++) {	/* oldest first */
		git_oid t = ids[i];

		ids[i] = ids[k - 1 - i];
		ids[k - 1 - i] = t;
	}
	*out = ids;
	*n = k;
	return 0;
done:
	free(ids);
	return ret;
}

int orch_patch_id_series(git_repository *repo, const git_oid *tip, const git_oid *target, git_oid **out,
			 size_t *n)
{
	git_oid base;
	char *why = NULL;
	int r = series(repo, tip, target, out, n, &base, &why);

	free(why);
	return r;
}

/* The reviewed changes (reviewed_base..reviewed) merged onto base, as libgit2 merges three trees. */
static int merge_reviewed(git_index **out, git_repository *repo, const git_oid *reviewed_base,
			  const git_oid *reviewed, const git_oid *base)
{
	git_tree *ancestor = NULL, *ours = NULL, *theirs = NULL;
	git_merge_options mo;
	int r;

	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	r = orch_commit_tree(repo, reviewed_base, &ancestor) < 0 || orch_commit_tree(repo, base, &ours) < 0 ||
	    orch_commit_tree(repo, reviewed, &theirs) < 0 ||
	    git_merge_trees(out, repo, ancestor, ours, theirs, &mo) < 0;
	if (r)
		orch_git_error("cannot merge the reviewed changes onto %s", orch_short_oid(base));
	git_tree_free(theirs);
	git_tree_free(ours);
	git_tree_free(ancestor);
	return r ? -1 : 0;
}

/* The first path where tip's tree differs from `index` (caller frees), NULL when none; -1 on an error (reported). */
static int first_difference(git_repository *repo, const git_oid *tip, git_index *index, char **out)
{
	git_tree *actual = NULL;
	git_diff *diff = NULL;
	int ret = 0;

	*out = NULL;
	if (orch_commit_tree(repo, tip, &actual) < 0 || git_diff_tree_to_index(&diff, repo, actual, index, NULL) < 0) {
		ret = orch_git_error("cannot compare %s with the reviewed changes", orch_short_oid(tip));
	} else if (git_diff_num_deltas(diff)) {
		const git_diff_delta *d = git_diff_get_delta(diff, 0);

		*out = xstrdup(d->new_file.path ? d->new_file.path : d->old_file.path);
	}
	git_diff_free(diff);
	git_tree_free(actual);
	return ret;
}

/*
 * 1 when tip's tree is the reviewed changes (reviewed_base..reviewed) merged
 * onto base, 0 when not (*why set), -1 on an error (reported).
 */
static int same_as_merged(git_repository *repo, const git_oid *reviewed_base, const git_oid *reviewed,
			  const git_oid *base, const git_oid *tip, char **why)
{
	git_index *index = NULL;
	char *path = NULL;
	int ret = 0;

	if (merge_reviewed(&index, repo, reviewed_base, reviewed, base) < 0)
		return -1;
	if (git_index_has_conflicts(index))
		*why = xasprintf("the reviewed changes do not merge cleanly onto the new base %s: a "
				 "resolved conflict is new code", orch_short_oid(base));
	else if (first_difference(repo, tip, index, &path) < 0)
		ret = -1;
	else if (path)
		*why = xasprintf("its tree differs from the reviewed changes merged onto the new base %s "
				 "(first in '%s')", orch_short_oid(base), path);
	else
		ret = 1;
	free(path);
	git_index_free(index);
	return ret;
}

static int differs(struct orch_carry *out, char *why)
{
	out->holds = 0;
	out->why = why;
	return 0;
}

/* Compares the two series commit for commit; 1 when equal (else *why). */
static int same_series(const git_oid *a, size_t na, const git_oid *b, size_t nb, const git_oid *tip,
		       char **why)
{
	size_t i;

	if (na != nb) {
		*why = xasprintf("the reviewed series has %zu commit%s, %s's has %zu", na, na == 1 ? "" : "s",
				 orch_short_oid(tip), nb);
		return 0;
	}
	for (i = 0; i < na; i++) {
		if (!git_oid_equal(&a[i], &b[i])) {
			*why = xasprintf("commit %zu of %zu changes something other than the reviewed commit "
					 "(another patch-id)", i + 1, na);
			return 0;
		}
	}
	return 1;
}

/*
 * The patch-ids of the reviewed series and of tip's, compared commit for
 * commit (out->reviewed_base and out->base set on the way): the number of
 * commits when they match, 0 when not (out->why set), -1 on an error
 * (reported).
 */
static int same_patches(git_repository *repo, const git_oid *reviewed, const git_oid *tip,
			const git_oid *target, struct orch_carry *out)
{
	git_oid *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	char *why = NULL;
	int r = series(repo, reviewed, target, &a, &na, &out->reviewed_base, &why);

	if (r > 0) {
		r = differs(out, xasprintf("the reviewed commit: %s", why));
	} else if (r == 0) {
		r = series(repo, tip, target, &b, &nb, &out->base, &why);
		if (r == 0 && same_series(a, na, b, nb, tip, &why)) {
			r = (int)na;
		} else if (r >= 0) {
			r = differs(out, why);
			why = NULL;
		}
	}
	free(why);
	free(a);
	free(b);
	return r;
}

int orch_carry_over_compare(git_repository *repo, const git_oid *reviewed, const git_oid *tip,
			    const git_oid *target, struct orch_carry *out)
{
	char *why = NULL;
	int n, r;

	memset(out, 0, sizeof(*out));
	if (git_oid_equal(reviewed, tip))
		return differs(out, xstrdup("it is the reviewed commit itself"));
	n = same_patches(repo, reviewed, tip, target, out);
	if (n <= 0)
		return n;
	r = same_as_merged(repo, &out->reviewed_base, reviewed, &out->base, tip, &why);
	if (r <= 0)
		return r < 0 ? -1 : differs(out, why);
	out->holds = 1;
	out->nr = (size_t)n;
	return 0;
}

int orch_carry_over_check(git_repository *repo, const git_oid *reviewed, const git_oid *tip,
			  const git_oid *target)
{
	struct orch_carry c = ORCH_CARRY_INIT;
	int r = orch_carry_over_compare(repo, reviewed, tip, target, &c);

	if (r == 0)
		r = c.holds;
	orch_carry_release(&c);
	return r;
}
