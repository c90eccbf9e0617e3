#ifndef ORCH_SERVER_WALK_H
#define ORCH_SERVER_WALK_H

#include <stddef.h>

#include <git2.h>

#include "commit-graph.h"
#include "commit-head.h"
#include "oidset.h"
#include "policy.h"

/*
 * The server gate's history walks: which commits a push brings to a
 * protected branch, read once each. What the protected branches reached
 * before the push passed the gate already; other refs prove nothing
 * (anything goes on them), so work pushed to a feature branch first is
 * checked when it lands.
 */
struct orch_server_walk {
	git_repository *repo;
	git_odb *odb;
	/* The tips of the protected branches before the push: hidden from every walk. */
	git_oid *gated;
	size_t nr_gated, alloc_gated;
	/* git's commit-graph, while it is sound: history already stored is read from it. */
	struct orch_commit_graph *graph;
};

#define ORCH_SERVER_WALK_INIT { .repo = NULL }

/* Reads the protected branches' tips of `repo` (odb: its object database). 0, or -1 (reported). */
int orch_server_walk_init(struct orch_server_walk *w, git_repository *repo, git_odb *odb,
			  const struct orch_policy *policy);
void orch_server_walk_release(struct orch_server_walk *w);

/*
 * The merges a push brings, in walk order, with their parents as the walk
 * read them, so no commit is read twice.
 */
struct orch_new_merges {
	struct orch_new_merge {
		git_oid id;
		size_t first;	/* its parents: parents[first .. first + nr) */
		unsigned nr;
	} *items;
	git_oid *parents;
	size_t nr, alloc, nr_parents, alloc_parents;
};

#define ORCH_NEW_MERGES_INIT { .items = NULL }

void orch_new_merges_release(struct orch_new_merges *m);

/*
 * Walks the commits `tip` reaches and no gated tip does: `fresh` gets them
 * all, `merges` the merges among them. 0, or -1 (reported).
 */
int orch_server_walk_new(struct orch_server_walk *w, const git_oid *tip, struct orch_oidset *fresh,
			 struct orch_new_merges *merges);

/* The tree and parents of commit `id`, from the commit-graph where it has them; 0, or -1 (reported). */
int orch_server_walk_read_head(struct orch_server_walk *w, const git_oid *id, struct orch_commit_head *out);

#endif
