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
 * Returns 0 with the merged tree in *root and *clean set, 1 when a step has
 * several merge bases (not decided here), -1 on an error (reported).
 */
int orch_tree_fold(git_repository *repo, const struct orch_commit_graph *graph, int write,
		   struct orch_automerge *list, const git_oid *parents, unsigned nr, const git_oid *tree,
		   git_oid *root, int *clean);

/* Listing the paths that differ (bounded by ORCH_AUTOMERGE_MAX_PATHS, all counted). */
void orch_automerge_add_path(struct orch_automerge *m, const char *dir, const char *name);
void orch_automerge_list_tree_diff(git_repository *repo, struct orch_automerge *m, const char *dir,
				   const git_oid *a, const git_oid *b);

#endif
