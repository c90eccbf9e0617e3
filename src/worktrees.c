#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"
#include "worktrees.h"

int orch_worktrees_list(git_repository *repo, struct orch_worktree **out, size_t *n)
{
	git_strarray names = { .strings = NULL, .count = 0 };
	struct orch_worktree *wts = NULL;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (git_worktree_list(&names, repo) < 0)
		return orch_git_error("cannot list worktrees");
	if (names.count)
		wts = xcalloc(names.count, sizeof(*wts));
	for (i = 0; i < names.count; i++) {
		git_worktree *wt = NULL;
		git_repository *wrepo = NULL;
		const char *branch;
		git_reference *head = NULL;

		/* A worktree whose directory is gone is only pruned, never used. */
		if (git_worktree_lookup(&wt, repo, names.strings[i]) < 0 || git_worktree_validate(wt) < 0) {
			git_worktree_free(wt);
			continue;
		}
		wts[k].name = xstrdup(names.strings[i]);
		wts[k].path = xstrdup(git_worktree_path(wt));
		if (git_repository_open_from_worktree(&wrepo, wt) == 0 &&
		    git_reference_lookup(&head, wrepo, "HEAD") == 0 &&
		    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
		    skip_prefix(git_reference_symbolic_target(head), "refs/heads/", &branch))
			wts[k].branch = xstrdup(branch);
		git_reference_free(head);
		git_repository_free(wrepo);
		git_worktree_free(wt);
		k++;
	}
	git_strarray_dispose(&names);
	*out = wts;
	*n = k;
	return 0;
}

void orch_worktrees_free(struct orch_worktree *wts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(wts[i].name);
		free(wts[i].path);
		free(wts[i].branch);
	}
	free(wts);
}

const struct orch_worktree *orch_worktrees_find(const struct orch_worktree *wts, size_t n,
						const char *branch)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (wts[i].branch && !strcmp(wts[i].branch, branch))
			return &wts[i];
	return NULL;
}

int orch_worktree_user_files(const char *path, int with_ignored, char **names)
{
	git_repository *wrepo = NULL;
	git_status_list *list = NULL;
	git_status_options so;
	struct strbuf sb = STRBUF_INIT;
	size_t i, n = 0;
	int ret = -1;

	*names = NULL;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES |
		   (with_ignored ? GIT_STATUS_OPT_INCLUDE_IGNORED : 0);
	if (git_repository_open(&wrepo, path) < 0 || git_status_list_new(&list, wrepo, &so) < 0) {
		orch_git_error("cannot tell what is in the worktree '%s'", path);
		goto done;
	}
	n = git_status_list_entrycount(list);
	for (i = 0; i < n && i < 5; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;

		strbuf_addf(&sb, "%s'%s'", i ? ", " : "", d ? d->new_file.path : "?");
	}
	if (n > 5)
		strbuf_addf(&sb, " and %zu more", n - 5);
	*names = strbuf_detach(&sb);
	ret = (int)(n > 100000 ? 100000 : n);
done:
	strbuf_release(&sb);
	git_status_list_free(list);
	git_repository_free(wrepo);
	return ret;
}
