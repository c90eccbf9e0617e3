#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "upstream.h"

/* 1 if refs/remotes/REMOTE/TARGET exists and has tip (the upstream branch already had it). */
static int remote_has(git_repository *repo, const char *remote, size_t len, const char *target,
		      const git_oid *tip, char **remote_ref)
{
	char *name = xasprintf("refs/remotes/%.*s/%s", (int)len, remote, target);
	git_oid at;
	int found = git_reference_name_to_id(&at, repo, name) == 0 &&
		    (git_oid_equal(&at, tip) || git_graph_descendant_of(repo, &at, tip) == 1);

	if (found)
		*remote_ref = xstrdup(name + 13);
	free(name);
	return found;
}

/*
 * A fast-forward to what a remote already has on this branch is an update
 * from upstream (`git pull` of main): the server gate vouched for it.
 * Remotes are read from the config by hand: git_remote_list leaks in
 * libgit2 1.5.
 */
int orch_upstream_has(git_repository *repo, const char *target, const git_oid *tip, char **remote_ref)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int found = 0;

	*remote_ref = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0 || git_config_iterator_new(&it, cfg) < 0)
		goto done;
	while (!found && git_config_next(&e, it) == 0) {
		size_t n = strlen(e->name);

		if (n > 11 && !strncmp(e->name, "remote.", 7) && !strcmp(e->name + n - 4, ".url"))
			found = remote_has(repo, e->name + 7, n - 11, target, tip, remote_ref);
	}
done:
	git_config_iterator_free(it);
	git_config_free(cfg);
	return found;
}

