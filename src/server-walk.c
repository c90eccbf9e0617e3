#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "commit-head.h"
#include "error.h"
#include "graph-walk.h"
#include "pattern.h"
#include "repo.h"
#include "server-walk.h"
#include "strbuf.h"

/* ---- what the repository has before the push ------------------------- */

static void add_gated(struct orch_server_walk *w, git_reference *ref)
{
	git_object *obj = NULL;

	/* Symbolic refs (HEAD) point at refs we see anyway. */
	if (git_reference_type(ref) != GIT_REFERENCE_DIRECT ||
	    git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) < 0)
		return;
	if (w->nr_gated == w->alloc_gated) {
		w->alloc_gated = w->alloc_gated ? 2 * w->alloc_gated : 16;
		w->gated = xrealloc(w->gated, w->alloc_gated * sizeof(*w->gated));
	}
	git_oid_cpy(&w->gated[w->nr_gated++], git_object_id(obj));
	git_object_free(obj);
}

/*
 * Protected branches named without wildcards (the usual "main") are looked
 * up one by one: a server with thousands of branches in loose files would
 * otherwise read them all on every push.
 */
static int read_literal_tips(struct orch_server_walk *w, const struct orch_policy *policy)
{
	const struct orch_patterns *p = &policy->protected;
	size_t i;

	for (i = 0; i < p->nr; i++) {
		const char *name = orch_branch_short_name(p->items[i]);
		git_reference *ref = NULL;
		char *full;
		int err;

		if (!name)
			continue;
		full = xasprintf("refs/heads/%s", name);
		err = git_reference_lookup(&ref, w->repo, full);
		if (err == 0)
			add_gated(w, ref);
		git_reference_free(ref);
		if (err < 0 && err != GIT_ENOTFOUND && err != GIT_EINVALIDSPEC) {
			orch_git_error("cannot read the protected branch '%s'", full);
			free(full);
			return -1;
		}
		free(full);
	}
	return 0;
}

int orch_server_walk_init(struct orch_server_walk *w, git_repository *repo, git_odb *odb,
			  const struct orch_policy *policy)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t i;
	int err;

	memset(w, 0, sizeof(*w));
	w->repo = repo;
	w->odb = odb;
	/* A missing, foreign or corrupt graph is none: the walks read the objects. */
	w->graph = orch_commit_graph_open_repo(repo);
	for (i = 0; i < policy->protected.nr; i++)
		if (!orch_pattern_is_literal(policy->protected.items[i]))
			break;
	if (i == policy->protected.nr)
		return read_literal_tips(w, policy);
	if (git_reference_iterator_new(&it, repo) < 0)
		return orch_git_error("cannot list the refs of the repository");
	while ((err = git_reference_next(&ref, it)) == 0) {
		if (orch_branch_is_protected(policy, git_reference_name(ref)))
			add_gated(w, ref);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (err != GIT_ITEROVER)
		return orch_git_error("cannot list the refs of the repository");
	return 0;
}

void orch_server_walk_release(struct orch_server_walk *w)
{
	orch_commit_graph_free(w->graph);
	free(w->gated);
	memset(w, 0, sizeof(*w));
}

/* ---- the merges a push brings ---------------------------------------- */

static void new_merges_add(struct orch_new_merges *m, const struct orch_commit_head *h)
{
	unsigned i;

	ALLOC_GROW(m->items, m->nr + 1, m->alloc);
	while (m->nr_parents + h->nr_parents > m->alloc_parents) {
		m->alloc_parents = m->alloc_parents ? 2 * m->alloc_parents : 128;
		m->parents = xrealloc(m->parents, m->alloc_parents * sizeof(*m->parents));
	}
	git_oid_cpy(&m->items[m->nr].id, &h->id);
	m->items[m->nr].first = m->nr_parents;
	m->items[m->nr].nr = h->nr_parents;
	for (i = 0; i < h->nr_parents; i++)
		git_oid_cpy(&m->parents[m->nr_parents++], &h->parents[i]);
	m->nr++;
}

void orch_new_merges_release(struct orch_new_merges *m)
{
	free(m->items);
	free(m->parents);
	memset(m, 0, sizeof(*m));
}

/* ---- the walks ---------------------------------------------------------- */

/*
 * Nothing is hidden (no protected branch yet: the first push, often a whole
 * history): a plain depth-first walk that reads each commit once. libgit2's
 * revwalk parses every commit itself and the gate then had to read it again.
 */
static int walk_all_commits(struct orch_server_walk *w, const git_oid *tip, struct orch_oidset *fresh,
			    struct orch_new_merges *merges)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;
	git_oid *stack = NULL, oid;
	size_t nr = 0, alloc = 0;
	unsigned i;
	int ret = -1;

	ALLOC_GROW(stack, nr + 1, alloc);
	git_oid_cpy(&stack[nr++], tip);
	while (nr) {
		git_oid_cpy(&oid, &stack[--nr]);
		if (!orch_oidset_add(fresh, &oid))
			continue;
		if (orch_commit_head_read(&h, w->odb, &oid) < 0) {
			orch_git_error("cannot read commit %s", orch_short_oid(&oid));
			goto done;
		}
		if (h.nr_parents > 1)
			new_merges_add(merges, &h);
		/* First parent on top: the branch's own line first, newest merge first. */
		for (i = h.nr_parents; i-- > 0;) {
			if (orch_oidset_contains(fresh, &h.parents[i]))
				continue;
			ALLOC_GROW(stack, nr + 1, alloc);
			git_oid_cpy(&stack[nr++], &h.parents[i]);
		}
	}
	ret = 0;
done:
	orch_commit_head_release(&h);
	free(stack);
	return ret;
}

/* Protected branches exist: libgit2's revwalk hides what they reach. */
static int walk_hidden(struct orch_server_walk *w, const git_oid *tip, struct orch_oidset *fresh,
		       struct orch_new_merges *merges)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;
	git_revwalk *walk = NULL;
	size_t i;
	git_oid oid;
	int err, ret = -1;

	if (git_revwalk_new(&walk, w->repo) < 0 || git_revwalk_push(walk, tip) < 0) {
		orch_git_error("cannot walk the history of %s", orch_short_oid(tip));
		goto done;
	}
	for (i = 0; i < w->nr_gated; i++) {
		if (git_revwalk_hide(walk, &w->gated[i]) < 0) {
			orch_git_error("cannot walk the history of %s", orch_short_oid(&w->gated[i]));
			goto done;
		}
	}
	while ((err = git_revwalk_next(&oid, walk)) == 0) {
		orch_oidset_add(fresh, &oid);
		if (orch_commit_head_read(&h, w->odb, &oid) < 0) {
			orch_git_error("cannot read commit %s", orch_short_oid(&oid));
			goto done;
		}
		if (h.nr_parents > 1)
			new_merges_add(merges, &h);
	}
	if (err != GIT_ITEROVER) {
		orch_git_error("cannot walk the history of %s", orch_short_oid(tip));
		goto done;
	}
	ret = 0;
done:
	orch_commit_head_release(&h);
	git_revwalk_free(walk);
	return ret;
}

struct graph_walk_state {
	struct orch_oidset *fresh;
	struct orch_new_merges *merges;
};

static int add_new_commit(const struct orch_commit_head *h, void *payload)
{
	struct graph_walk_state *s = payload;

	orch_oidset_add(s->fresh, &h->id);
	if (h->nr_parents > 1)
		new_merges_add(s->merges, h);
	return 0;
}

/*
 * Through git's commit-graph: history already on the server (an import,
 * branches pushed earlier) is read from the graph without inflating a
 * commit, and the hidden side stops in generation order. 1 when there is
 * no graph or it proved inconsistent: fresh and merges are then empty
 * again, for the plain walks.
 */
static int walk_with_graph(struct orch_server_walk *w, const git_oid *tip, struct orch_oidset *fresh,
			   struct orch_new_merges *merges)
{
	struct graph_walk_state s = { .fresh = fresh, .merges = merges };
	int r;

	if (!w->graph)
		return 1;
	r = orch_graph_walk(w->graph, w->odb, tip, w->gated, w->nr_gated, add_new_commit, &s);
	if (r < 0)
		orch_git_error("cannot read the history of %s", orch_short_oid(tip));
	if (r <= 0)
		return r;
	orch_say("note: the commit-graph of this repository is inconsistent (git commit-graph verify "
		 "says more); walking the commits instead");
	orch_commit_graph_free(w->graph);
	w->graph = NULL;
	orch_oidset_release(fresh);
	orch_new_merges_release(merges);
	return 1;
}

int orch_server_walk_read_head(struct orch_server_walk *w, const git_oid *id, struct orch_commit_head *out)
{
	if (orch_graph_read_head(w->graph, w->odb, id, out) < 0)
		return orch_git_error("cannot read commit %s", orch_short_oid(id));
	return 0;
}

int orch_server_walk_new(struct orch_server_walk *w, const git_oid *tip, struct orch_oidset *fresh,
			 struct orch_new_merges *merges)
{
	int r = walk_with_graph(w, tip, fresh, merges);

	if (r <= 0)
		return r;
	if (!w->nr_gated)
		return walk_all_commits(w, tip, fresh, merges);
	return walk_hidden(w, tip, fresh, merges);
}
