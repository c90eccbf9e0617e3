#ifndef ORCH_MERGE_BASE_H
#define ORCH_MERGE_BASE_H

#include <stddef.h>

#include <git2.h>

#include "commit-graph.h"

/*
 * The merge bases the content rule merges over: the same set as
 * git_merge_bases_many() (the best common ancestors of inputs[0] and a
 * hypothetical merge of the others, `git merge-base --all`), found through
 * git's commit-graph when the repository has one. libgit2 1.5 walks by
 * inflating every commit, in date order; on a long-lived topic of a large
 * history that is most of the content check. Here commits of the graph are
 * read from its rows and walked in generation order, so the walk stops
 * soon; commits newer than the graph are read from their objects.
 *
 * Without a graph, or when the graph proves inconsistent on the way (or a
 * commit cannot be read), libgit2 decides, as before: the answer is the
 * same either way, only its cost differs.
 */
struct orch_merge_bases {
	git_oid *ids;		/* in no particular order */
	size_t nr;		/* 0: no common ancestor */
};

#define ORCH_MERGE_BASES_INIT { NULL, 0 }

/* Returns 0 with the bases in *out (nr >= 2), or -1 with libgit2's error set. */
int orch_merge_bases_find(git_repository *repo, const struct orch_commit_graph *graph,
			  const git_oid *inputs, size_t nr, struct orch_merge_bases *out);
void orch_merge_bases_release(struct orch_merge_bases *b);

/*
 * The graph part alone: 0 with the bases, 1 when it cannot decide (no graph,
 * an inconsistent row, an unreadable commit: ask libgit2), -1 on an error.
 */
int orch_merge_bases_graph(git_repository *repo, const struct orch_commit_graph *graph,
			   const git_oid *inputs, size_t nr, struct orch_merge_bases *out);

#endif
