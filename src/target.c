#include "config.h"

#include <stdlib.h>

#include "error.h"
#include "repo.h"
#include "strbuf.h"
#include "target.h"

int orch_find_target(git_repository *repo, const struct orch_policy *policy, const char *onto, char **name,
		     git_oid *oid)
{
	git_object *obj = NULL;
	char *current = NULL;
	size_t i;

	if (onto) {
		if (git_revparse_single(&obj, repo, onto) < 0) {
			orch_error("'%s' (given with --onto) does not name a branch or commit here", onto);
			return -1;
		}
		const char *branch = orch_branch_short_name(onto);

		*name = xstrdup(branch ? branch : onto);
		goto found;
	}
	current = orch_repo_current_branch(repo);
	if (current && orch_branch_is_protected(policy, current) &&
	    git_revparse_single(&obj, repo, current) == 0) {
		*name = current;
		goto found;
	}
	free(current);
	for (i = 0; i < policy->protected.nr; i++) {
		const char *p = orch_branch_short_name(policy->protected.items[i]);
		git_reference *ref = NULL;

		if (!p || !orch_pattern_is_literal(p) || git_branch_lookup(&ref, repo, p, GIT_BRANCH_LOCAL) < 0)
			continue;
		git_reference_free(ref);
		if (git_revparse_single(&obj, repo, p) == 0) {
			*name = xstrdup(p);
			goto found;
		}
	}
	orch_error("cannot tell which branch the reviewed branches are to be merged into; "
		   "name it: orch-hooks review --onto main BRANCH...");
	return -1;
found:
	{
		git_object *c = NULL;
		int r = git_object_peel(&c, obj, GIT_OBJECT_COMMIT);

		git_object_free(obj);
		if (r < 0) {
			FREE_AND_NULL(*name);
			return orch_error("'%s' does not name a commit", onto ? onto : "the target");
		}
		git_oid_cpy(oid, git_object_id(c));
		git_object_free(c);
	}
	return 0;
}
