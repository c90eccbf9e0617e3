#ifndef ORCH_WORKTREES_H
#define ORCH_WORKTREES_H

#include <stddef.h>

#include <git2.h>

/* A linked worktree and the branch checked out in it. */
struct orch_worktree {
	char *name;
	char *path;
	char *branch;	/* short name; NULL when detached */
};

/* The linked worktrees of repo (not the main one). Returns 0 or -1 (reported). */
int orch_worktrees_list(git_repository *repo, struct orch_worktree **out, size_t *n);
void orch_worktrees_free(struct orch_worktree *wts, size_t n);

/* The worktree that has `branch` checked out, or NULL. */
const struct orch_worktree *orch_worktrees_find(const struct orch_worktree *wts, size_t n,
						const char *branch);

/*
 * What of the person's is in the worktree at `path`: changed or staged
 * tracked files, untracked files and ignored ones (a .env, build output,
 * data: `git worktree remove` counts ignored files as clean and deletes
 * them; with_ignored = 0 leaves those out). Returns how many (*names lists the first few, caller frees), or
 * -1 when it cannot tell (reported): then the worktree must be kept.
 */
int orch_worktree_user_files(const char *path, int with_ignored, char **names);

#endif
