#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "strbuf.h"
#include "upstream.h"

/*
 * Only the branch's configured upstream (branch.NAME.remote and
 * branch.NAME.merge, mapped through that remote's fetch refspec, as
 * `git pull` does) speaks for the server: any remote can be added with a
 * branch of the same name, and what it holds was never gated.
 */
int orch_upstream_has(git_repository *repo, const char *target, const git_oid *tip, char **remote_ref)
{
	git_buf remote = GIT_BUF_INIT, tracking = GIT_BUF_INIT;
	const char *branch;
	char *local;
	git_oid at;
	int found = 0;

	*remote_ref = NULL;
	if (!target || !(branch = orch_branch_short_name(target)))
		return 0;
	local = xasprintf("refs/heads/%s", branch);
	/* "." is a local branch as upstream: anything goes there. */
	if (git_branch_upstream_remote(&remote, repo, local) < 0 || !remote.ptr ||
	    !strcmp(remote.ptr, ".") ||
	    git_branch_upstream_name(&tracking, repo, local) < 0 || !tracking.ptr ||
	    strncmp(tracking.ptr, "refs/remotes/", 13))
		goto done;
	found = git_reference_name_to_id(&at, repo, tracking.ptr) == 0 &&
		(git_oid_equal(&at, tip) || git_graph_descendant_of(repo, &at, tip) == 1);
	if (found)
		*remote_ref = xstrdup(tracking.ptr + 13);
done:
	git_error_clear();
	git_buf_dispose(&remote);
	git_buf_dispose(&tracking);
	free(local);
	return found;
}
