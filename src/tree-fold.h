#ifndef ORCH_TREE_FOLD_H
#define ORCH_TREE_FOLD_H

#include <git2.h>

#include "commit-graph.h"

struct orch_automerge;

/*
 * The in-process engine of src/automerge.c: the parents folded in one at a
 * time, each a three-way merge of trees over the merge base that opens only
 * directories both sides changed (files both sides changed are merged line
 * by line). Trees are only hashed (kept in memory for the next octopus
 * step), or written when `write` is set. Where the last step differs from
 * `tree`, the paths are listed into `list` (NULL: not listed). Merge bases
 * come from `graph` where it has the commits (NULL: from libgit2).
 *
 * Two parents with several merge bases (criss-cross) are merged over a
 * virtual base built the way git's merge-ort builds it (tree-fold.c,
 * virtual_base), without rename detection: ORCH_FOLD_VIRTUAL_BASE in *how.
 * An octopus step with several bases is not decided here, as git's octopus
 * gives up. ORCH_FOLD_RENAMES_MOOT in *how: every conflict is in the lines
 * of a file all three trees have at the same path, which a merge with rename
 * detection (libgit2's, git's) pairs with itself and merges the same way.
 * ORCH_FOLD_LIBGIT2_DIFFERS: a conflict git sees and libgit2's merge
 * resolves on its own (a file added on both sides with two modes), so only
 * git may decide.
 *
 * Returns 0 with the merged tree in *root and *clean set, 1 when it is not
 * decided here (an octopus step with several merge bases, a virtual base
 * with a conflict git resolves in ways not done here), -1 on an error
 * (reported).
 */
int orch_tree_fold(git_repository *repo, const struct orch_commit_graph *graph, int write,
		   struct orch_automerge *list, const git_oid *parents, unsigned nr, const git_oid *tree,
		   git_oid *root, int *clean, unsigned *how);

#define ORCH_FOLD_VIRTUAL_BASE 1
#define ORCH_FOLD_RENAMES_MOOT 2
#define ORCH_FOLD_LIBGIT2_DIFFERS 4

/* Listing the paths that differ (bounded by ORCH_AUTOMERGE_MAX_PATHS, all counted). */
void orch_automerge_add_path(struct orch_automerge *m, const char *dir, const char *name);
void orch_automerge_list_tree_diff(git_repository *repo, struct orch_automerge *m, const char *dir,
				   const git_oid *a, const git_oid *b);

#endif
