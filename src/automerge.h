#ifndef ORCH_AUTOMERGE_H
#define ORCH_AUTOMERGE_H

#include <git2.h>

#include "commit-graph.h"

/*
 * The content rule's question: is a merge commit's tree the automatic merge
 * of its parents, or does it carry changes of its own (a resolved conflict,
 * an edit made during `git merge --no-commit`, a tree made by hand)?
 *
 * Two parents: first a three-way merge of the trees that descends only into
 * the directories both sides changed (so the cost comes from the changed
 * paths, not from the size of the tree), merging files both sides changed
 * with libgit2's file merge; with several merge bases, over a virtual base
 * built from them as git's merge-ort builds one (src/tree-fold.h). When that
 * does not reproduce the commit's tree, libgit2's whole merge with rename
 * detection (one merge base; with several, only when the virtual base could
 * not be built here); when that does not reproduce it either, git's own
 * `git merge-tree --write-tree`, so a clean merge made by git is never taken
 * for a hand-made one because the engines differ. A merge is accepted only
 * when one of these computes exactly the committed tree.
 *
 * Octopus merges: git's octopus strategy is not `merge-tree`; it folds the
 * parents in one at a time (a trivial three-way merge of the result so far
 * with the next parent over their merge base, files merged line by line, no
 * rename detection), and so does this. A step with several merge bases
 * cannot be decided here and counts as not automatic (review the merge).
 */

#define ORCH_AUTOMERGE_MAX_PATHS 10

struct orch_automerge {
	int same;		/* the tree is the automatic merge of the parents */
	int conflict;		/* the deciding engine could not merge cleanly */
	const char *engine;	/* which engine decided: "libgit2", "git merge-tree", ... */
	git_oid tree;		/* the automatic merge's tree, when has_tree */
	int has_tree;
	char *paths[ORCH_AUTOMERGE_MAX_PATHS];	/* the first paths that differ */
	size_t nr_listed;
	size_t nr_paths;	/* how many differ in all */
	char *note;		/* why git could not confirm, or NULL */
};

#define ORCH_AUTOMERGE_INIT { 0, 0, NULL, { { 0 } }, 0, { NULL }, 0, 0, NULL }

struct orch_automerge_opts {
	int write;		/* write the merged tree's objects (for a reviewer to diff) */
	int confirm_with_git;	/* run git merge-tree before saying "differs" */
	int skip_libgit2;	/* git merge-tree only (two parents; for measurements) */
	unsigned git_timeout_ms;
	/* the repository's commit-graph, opened once by a caller that checks many merges (NULL: opened here) */
	const struct orch_commit_graph *graph;
};

#define ORCH_AUTOMERGE_OPTS_INIT { .confirm_with_git = 1, .git_timeout_ms = 120000 }

/*
 * Decides whether `tree` is the automatic merge of `parents` (nr >= 2, the
 * first parent first). Returns 0 with the answer in *out, or -1 when it
 * cannot be decided (reported).
 */
int orch_automerge_check(git_repository *repo, const git_oid *parents, unsigned nr,
			 const git_oid *tree, const struct orch_automerge_opts *opts,
			 struct orch_automerge *out);
void orch_automerge_release(struct orch_automerge *m);

/* Says that `merge` carries changes of its own: which engine decided, the paths (bounded). */
void orch_automerge_describe(const git_oid *merge, const struct orch_automerge *m, const char *indent);

#endif
