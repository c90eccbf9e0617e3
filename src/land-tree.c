#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "land-step.h"
#include "land-tree.h"
#include "strbuf.h"
#include "worktrees.h"

int land_git_shielded(const char *const *argv)
{
	struct land_step s = LAND_STEP_INIT;

	s.argv = argv;
	return land_step_run(&s);
}

int land_merge_in_progress(git_repository *repo)
{
	char *path = xasprintf("%sMERGE_HEAD", git_repository_path(repo));
	int r = access(path, F_OK) == 0;

	free(path);
	return r;
}

int land_list_changes(git_repository *repo)
{
	git_status_options so;
	git_status_list *list = NULL;
	size_t i, n;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, repo, &so) < 0) {
		orch_git_error("cannot read the status of the work tree");
		return 1;
	}
	n = git_status_list_entrycount(list);
	for (i = 0; i < n && i < 10; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;

		orch_say("  changed: %s", d ? d->new_file.path : "?");
	}
	git_status_list_free(list);
	return n > 0;
}

void land_list_conflicts(git_repository *repo)
{
	git_index *index = NULL;
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *a, *o, *t;

	if (git_repository_index(&index, repo) < 0 || git_index_read(index, 1) < 0 ||
	    git_index_conflict_iterator_new(&it, index) < 0)
		goto done;
	while (git_index_conflict_next(&a, &o, &t, it) == 0)
		orch_say("  conflict: %s", o ? o->path : t ? t->path : a ? a->path : "?");
done:
	git_index_conflict_iterator_free(it);
	git_index_free(index);
}

int land_has_conflicts(git_repository *repo)
{
	git_index *index = NULL;
	int r = 0;

	if (git_repository_index(&index, repo) == 0 && git_index_read(index, 1) == 0)
		r = git_index_has_conflicts(index);
	git_index_free(index);
	return r;
}

/* Removes the landed branch's worktree when nothing of the person's is in it. */
static void remove_worktree(const struct orch_worktree *wt, const char *branch)
{
	char *names = NULL;
	int n = orch_worktree_user_files(wt->path, 1, &names);

	if (n != 0) {
		orch_say("kept the worktree of '%s' (%s): %s", branch, wt->path,
			 n < 0 ? "cannot tell what is in it" : "it holds files that are not committed:");
		if (n > 0)
			orch_say("  %s (untracked, ignored or changed; 'git worktree remove --force' would delete them)",
				 names);
	} else {
		/* No --force: git still refuses if something changed since we looked. */
		const char *rm[] = { "git", "worktree", "remove", wt->path, NULL };

		if (land_git_shielded(rm) == 0)
			orch_say("removed the worktree of '%s' (%s)", branch, wt->path);
		else
			orch_say("kept the worktree of '%s' (%s): it has uncommitted changes", branch, wt->path);
	}
	free(names);
}

void land_clean_up(git_repository *repo, const char *branch, int delete_branch)
{
	const char *prune[] = { "git", "worktree", "prune", NULL };

	land_clean_up_branch(repo, branch, delete_branch);
	land_git_shielded(prune);
}

void land_clean_up_branch(git_repository *repo, const char *branch, int delete_branch)
{
	struct orch_worktree *wts = NULL;
	const struct orch_worktree *wt;
	size_t n = 0;

	if (orch_worktrees_list(repo, &wts, &n) == 0 && (wt = orch_worktrees_find(wts, n, branch)))
		remove_worktree(wt, branch);
	orch_worktrees_free(wts, n);
	if (delete_branch) {
		const char *del[] = { "git", "branch", "-d", branch, NULL };

		if (land_git_shielded(del) != 0)
			orch_say("could not delete branch '%s'", branch);
	}
}
