#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "carry-over.h"
#include "error.h"
#include "repo.h"
#include "strbuf.h"

/* The longest series compared: a rebase of more commits needs a new review. */
#define MAX_SERIES 1000

static int patch_id_of(git_repository *repo, const git_commit *c, git_oid *out)
{
	git_commit *parent = NULL;
	git_tree *old_tree = NULL, *new_tree = NULL;
	git_diff *diff = NULL;
	int ret = -1;

	if (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&old_tree, parent) < 0 ||
	    git_commit_tree(&new_tree, c) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, old_tree, new_tree, NULL) < 0 ||
	    git_diff_patchid(out, diff, NULL) < 0) {
		orch_git_error("cannot compute the patch-id of %s", orch_short_oid(git_commit_id(c)));
		goto done;
	}
	ret = 0;
done:
	git_diff_free(diff);
	git_tree_free(new_tree);
	git_tree_free(old_tree);
	git_commit_free(parent);
	return ret;
}

int orch_patch_id_series(git_repository *repo, const git_oid *tip, const git_oid *target, git_oid **out,
			 size_t *n)
{
	git_oid base, cur;
	git_oid *ids = NULL;
	size_t k = 0, i;
	int ret = 1;

	*out = NULL;
	*n = 0;
	if (git_merge_base(&base, repo, tip, target) < 0)
		return 1; /* unrelated histories: nothing to compare */
	git_oid_cpy(&cur, tip);
	while (!git_oid_equal(&cur, &base)) {
		git_commit *c = NULL;

		if (k == MAX_SERIES)
			goto done;
		if (git_commit_lookup(&c, repo, &cur) < 0) {
			ret = orch_git_error("cannot read commit %s", orch_short_oid(&cur));
			goto done;
		}
		if (git_commit_parentcount(c) != 1) {
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
	if (!k)
		goto done;
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

int orch_carry_over_check(git_repository *repo, const git_oid *reviewed, const git_oid *tip,
			  const git_oid *target)
{
	git_oid *a = NULL, *b = NULL;
	size_t na = 0, nb = 0, i;
	int ra, rb, ret = 0;

	if (git_oid_equal(reviewed, tip))
		return 0;
	ra = orch_patch_id_series(repo, reviewed, target, &a, &na);
	rb = ra < 0 ? 1 : orch_patch_id_series(repo, tip, target, &b, &nb);
	if (ra < 0 || rb < 0) {
		ret = -1;
		goto done;
	}
	if (ra || rb || na != nb)
		goto done;
	for (i = 0; i < na; i++)
		if (!git_oid_equal(&a[i], &b[i]))
			goto done;
	ret = 1;
done:
	free(a);
	free(b);
	return ret;
}
