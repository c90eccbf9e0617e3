#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "strbuf.h"
#include "upstream.h"

/* Where the remote's fetch refspecs put `merge` (its branch on the remote), or NULL. */
static char *tracking_ref(git_config *cfg, const char *remote, const char *merge)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	char *key = xasprintf("remote.%s.fetch", remote), *out = NULL;

	if (git_config_multivar_iterator_new(&it, cfg, key, NULL) < 0)
		goto done;
	while (!out && git_config_next(&e, it) == 0) {
		git_refspec *spec = NULL;
		git_buf buf = GIT_BUF_INIT;

		if (git_refspec_parse(&spec, e->value, 1) == 0 && git_refspec_src_matches(spec, merge) &&
		    git_refspec_transform(&buf, spec, merge) == 0)
			out = xstrdup(buf.ptr);
		git_buf_dispose(&buf);
		git_refspec_free(spec);
	}
done:
	git_config_iterator_free(it);
	free(key);
	return out;
}

/*
 * Only the branch's configured upstream (branch.NAME.remote and
 * branch.NAME.merge, mapped through that remote's fetch refspecs, as
 * `git pull` does) speaks for the server: any remote can be added with a
 * branch of the same name, and what it holds was never gated. Read from the
 * config by hand: git_branch_upstream_name and git_remote_lookup leak in
 * libgit2 1.5.
 */
int orch_upstream_has(git_repository *repo, const char *target, const git_oid *tip, char **remote_ref)
{
	git_config *cfg = NULL;
	git_buf remote = GIT_BUF_INIT, merge = GIT_BUF_INIT;
	const char *branch;
	char *key = NULL, *tracking = NULL;
	git_oid at;
	int found = 0;

	*remote_ref = NULL;
	if (!target || !(branch = orch_branch_short_name(target)))
		return 0;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		goto done;
	key = xasprintf("branch.%s.remote", branch);
	/* "." is a local branch as upstream: anything goes there. */
	if (git_config_get_string_buf(&remote, cfg, key) < 0 || !strcmp(remote.ptr, "."))
		goto done;
	free(key);
	key = xasprintf("branch.%s.merge", branch);
	if (git_config_get_string_buf(&merge, cfg, key) < 0)
		goto done;
	tracking = tracking_ref(cfg, remote.ptr, merge.ptr);
	if (!tracking || !starts_with(tracking, "refs/remotes/"))
		goto done;
	found = git_reference_name_to_id(&at, repo, tracking) == 0 &&
		(git_oid_equal(&at, tip) || git_graph_descendant_of(repo, &at, tip) == 1);
	if (found)
		*remote_ref = xstrdup(tracking + 13);
done:
	git_error_clear();
	git_buf_dispose(&remote);
	git_buf_dispose(&merge);
	git_config_free(cfg);
	free(tracking);
	free(key);
	return found;
}
