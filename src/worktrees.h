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

#endif
