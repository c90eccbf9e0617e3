#ifndef ORCH_GRAPH_WALK_H
#define ORCH_GRAPH_WALK_H

#include <stddef.h>

#include <git2.h>

#include "commit-graph.h"
#include "commit-head.h"

/* Called once for each commit the walk finds; non-zero stops the walk with that value. */
typedef int (*orch_graph_walk_fn)(const struct orch_commit_head *h, void *payload);

/*
 * The commits reachable from `tip` and from none of `hide` (what
 * `git rev-list TIP --not HIDE...` lists), each given to `fn` once. Commits
 * the commit-graph has are read from it without touching their objects;
 * the others (pushed since the graph was written) from `odb`. The graph part
 * goes in generation order, so it stops as soon as everything still queued
 * is reachable from `hide`.
 *
 * Returns 0; -1 when an object cannot be read (libgit2's error set); or 1
 * when the graph proves inconsistent halfway: then `fn` may have seen some
 * commits, and the caller starts again without the graph.
 */
int orch_graph_walk(const struct orch_commit_graph *graph, git_odb *odb, const git_oid *tip,
		    const git_oid *hide, size_t nr_hide, orch_graph_walk_fn fn, void *payload);

/*
 * The tree and parents of commit `id`: from the graph when it has a sound
 * row for it, else from the object.
 */
int orch_graph_read_head(const struct orch_commit_graph *graph, git_odb *odb, const git_oid *id,
			 struct orch_commit_head *out);

#endif
