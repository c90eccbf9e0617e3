#ifndef ORCH_LAND_TREE_H
#define ORCH_LAND_TREE_H

#include <git2.h>

/* What `land` looks at in the work tree, and its clean-up after a branch landed. */

/* Runs a git command that Ctrl-C must not cut short (land stops after it); its exit status. */
int land_git_shielded(const char *const *argv);

int land_merge_in_progress(git_repository *repo);
int land_has_conflicts(git_repository *repo);

/* Lists the conflicted paths for the person. */
void land_list_conflicts(git_repository *repo);

/* Lists tracked files with changes for the person; 1 if any. */
int land_list_changes(git_repository *repo);

/*
 * After `branch` landed: removes its linked worktree when nothing of the
 * person's is in it (else keeps it and names the files), prunes the
 * worktree list, and deletes the branch when asked.
 */
void land_clean_up(git_repository *repo, const char *branch, int delete_branch);

/* The same without pruning the worktree list (land -j prunes once for all that landed). */
void land_clean_up_branch(git_repository *repo, const char *branch, int delete_branch);

#endif
