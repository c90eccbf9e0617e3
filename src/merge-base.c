#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "merge-base.h"
#include "strbuf.h"

/* What the walk knows of a commit (git's own paint_down_to_common flags). */
#define F_ONE 1			/* reachable from inputs[0] */
#define F_TWO 2			/* reachable from one of the others */
#define F_STALE 4		/* reachable from a common ancestor found already */
#define F_RESULT 8
#define F_QUEUED 16
#define F_EXPANDED 32		/* its parents are known */

#define GEN_OUTSIDE UINT64_MAX	/* commits newer than the graph come before all of it */

struct node {
	git_oid id;
	uint64_t gen;
	int64_t time;		/* outside the graph: the committer time, the queue's second key */
	uint32_t pos;		/* in the graph, or ORCH_GRAPH_NO_POS */
	uint32_t first_parent, nr_parents;	/* in mb->parents, once F_EXPANDED */
	uint32_t visit;		/* the last reachability check that saw it */
	unsigned char flags;
};

/* A growing array of node indices. */
struct nodes {
	uint32_t *v;
	size_t nr, alloc;
};

struct mb {
	git_repository *repo;
	const struct orch_commit_graph *graph;
	struct node *nodes;
	size_t nr, alloc;
	uint32_t *slots;	/* the nodes by id: index + 1, 0 when empty */
	size_t cap;
	struct nodes parents;
	struct orch_heap heap;	/* the queue: highest generation, then newest, first */
	size_t nonstale;	/* queued nodes not F_STALE: the walk ends at 0 */
	struct nodes stack;
	uint32_t visit;
	struct orch_graph_row row;
};

static void push(struct nodes *a, uint32_t x)
{
	ALLOC_GROW(a->v, a->nr + 1, a->alloc);
	a->v[a->nr++] = x;
}

/* ---- the nodes, by id ------------------------------------------------------ */

static size_t slot_of(const struct mb *mb, const git_oid *id)
{
	uint64_t h;
	size_t i;

	memcpy(&h, id->id, sizeof(h));
	for (i = (size_t)h & (mb->cap - 1); mb->slots[i]; i = (i + 1) & (mb->cap - 1))
		if (git_oid_equal(&mb->nodes[mb->slots[i] - 1].id, id))
			break;
	return i;
}

static void grow_slots(struct mb *mb)
{
	size_t i;

	free(mb->slots);
	mb->cap = mb->cap ? 2 * mb->cap : 1024;
	mb->slots = xcalloc(mb->cap, sizeof(*mb->slots));
	for (i = 0; i < mb->nr; i++)
		mb->slots[slot_of(mb, &mb->nodes[i].id)] = (uint32_t)i + 1;
}

/*
 * The node of commit `id` (`pos`: its place in the graph when known), made
 * on first sight; -1 when it is outside the graph and cannot be read.
 */
static int64_t node_get(struct mb *mb, const git_oid *id, uint32_t pos)
{
	struct node *n;
	git_commit *c;
	size_t s;

	if (2 * (mb->nr + 1) > mb->cap)
		grow_slots(mb);
	s = slot_of(mb, id);
	if (mb->slots[s])
		return mb->slots[s] - 1;
	ALLOC_GROW(mb->nodes, mb->nr + 1, mb->alloc);
	n = &mb->nodes[mb->nr];
	memset(n, 0, sizeof(*n));
	git_oid_cpy(&n->id, id);
	n->pos = pos != ORCH_GRAPH_NO_POS ? pos : orch_commit_graph_find(mb->graph, id);
	if (n->pos != ORCH_GRAPH_NO_POS) {
		n->gen = orch_commit_graph_generation(mb->graph, n->pos);
	} else {
		if (git_commit_lookup(&c, mb->repo, id) < 0)
			return -1;
		n->gen = GEN_OUTSIDE;
		n->time = git_commit_time(c);
		git_commit_free(c);
	}
	mb->slots[s] = (uint32_t)mb->nr + 1;
	return (int64_t)mb->nr++;
}

static int add_parent(struct mb *mb, const git_oid *id, uint32_t pos)
{
	int64_t p = node_get(mb, id, pos);

	if (p < 0)
		return 1;
	push(&mb->parents, (uint32_t)p);
	return 0;
}

/* The parents of node i, from its graph row or its object; 1 when neither can say. */
static int expand(struct mb *mb, uint32_t i)
{
	size_t first = mb->parents.nr;
	git_commit *c = NULL;
	git_oid id;
	unsigned k;
	int r = 0;

	if (mb->nodes[i].flags & F_EXPANDED)
		return 0;
	if (mb->nodes[i].pos != ORCH_GRAPH_NO_POS) {
		if (orch_commit_graph_read(mb->graph, mb->nodes[i].pos, &mb->row) < 0)
			return 1;	/* the graph is corrupt here */
		for (k = 0; k < mb->row.nr_parents && !r; k++) {
			orch_commit_graph_oid(mb->graph, mb->row.parents[k], &id);
			r = add_parent(mb, &id, mb->row.parents[k]);
		}
	} else {
		if (git_commit_lookup(&c, mb->repo, &mb->nodes[i].id) < 0)
			return 1;
		for (k = 0; k < git_commit_parentcount(c) && !r; k++)
			r = add_parent(mb, git_commit_parent_id(c, k), ORCH_GRAPH_NO_POS);
		git_commit_free(c);
	}
	if (r)
		return r;
	mb->nodes[i].first_parent = (uint32_t)first;
	mb->nodes[i].nr_parents = (uint32_t)(mb->parents.nr - first);
	mb->nodes[i].flags |= F_EXPANDED;
	return 0;
}

/* ---- the queue ------------------------------------------------------------- */

static int before(const void *a, const void *b, const void *ctx)
{
	const struct mb *mb = ctx;
	const struct node *x = &mb->nodes[*(const uint32_t *)a], *y = &mb->nodes[*(const uint32_t *)b];

	return x->gen != y->gen ? x->gen > y->gen : x->time > y->time;
}

/* Adds flags to node i and queues it (once: a queued node carries all its flags). */
static void add_flags(struct mb *mb, uint32_t i, unsigned char f)
{
	struct node *n = &mb->nodes[i];

	if ((f & F_STALE) && !(n->flags & F_STALE) && (n->flags & F_QUEUED))
		mb->nonstale--;
	n->flags |= f;
	if (n->flags & F_QUEUED)
		return;
	n->flags |= F_QUEUED;
	if (!(n->flags & F_STALE))
		mb->nonstale++;
	orch_heap_push(&mb->heap, &i);
}

/* ---- the walk -------------------------------------------------------------- */

/*
 * git's paint_down_to_common: the commits reachable from both sides, a walk
 * that ends when everything queued lies below a common ancestor already
 * found. Its answer does not depend on the order of the walk, only its cost
 * does. The candidates go to *res (some may be redundant).
 */
static int paint(struct mb *mb, uint32_t one, const uint32_t *twos, size_t nr_twos, struct nodes *res)
{
	size_t k;

	add_flags(mb, one, F_ONE);
	for (k = 0; k < nr_twos; k++)
		add_flags(mb, twos[k], F_TWO);
	while (mb->nonstale) {
		uint32_t i, p;
		unsigned char f;
		int r;

		orch_heap_pop(&mb->heap, &i);
		f = mb->nodes[i].flags & (F_ONE | F_TWO | F_STALE);
		mb->nodes[i].flags &= (unsigned char)~F_QUEUED;
		if (!(f & F_STALE))
			mb->nonstale--;
		if (f == (F_ONE | F_TWO)) {
			if (!(mb->nodes[i].flags & F_RESULT)) {
				mb->nodes[i].flags |= F_RESULT;
				push(res, i);
			}
			f |= F_STALE;
		}
		r = expand(mb, i);
		if (r)
			return r;
		for (k = 0; k < mb->nodes[i].nr_parents; k++) {
			p = mb->parents.v[mb->nodes[i].first_parent + k];
			if ((mb->nodes[p].flags & f) != f)
				add_flags(mb, p, f);
		}
	}
	return 0;
}

/*
 * Whether node `anc` is a proper ancestor of one of `cands`: a walk down
 * from them that leaves out commits of lower generation than `anc` (they
 * cannot reach it). 1 yes, 0 no, 2 when a commit cannot be read.
 */
static int is_ancestor_of_any(struct mb *mb, uint32_t anc, const uint32_t *cands, size_t nr)
{
	uint64_t min = mb->nodes[anc].gen;
	size_t k;

	mb->visit++;
	mb->stack.nr = 0;
	for (k = 0; k < nr; k++)
		if (cands[k] != anc)
			push(&mb->stack, cands[k]);
	while (mb->stack.nr) {
		uint32_t i = mb->stack.v[--mb->stack.nr];

		if (i == anc)
			return 1;
		if (mb->nodes[i].visit == mb->visit || mb->nodes[i].gen < min)
			continue;
		mb->nodes[i].visit = mb->visit;
		if (expand(mb, i))
			return 2;
		for (k = 0; k < mb->nodes[i].nr_parents; k++)
			push(&mb->stack, mb->parents.v[mb->nodes[i].first_parent + k]);
	}
	return 0;
}

/* The candidates that are no ancestor of another: git's remove_redundant, exactly. */
static int keep_best(struct mb *mb, struct nodes *res)
{
	unsigned char *redundant;
	size_t k, n = 0;
	int r = 0;

	for (k = 0; k < res->nr; k++)	/* below another candidate already: the walk said so */
		if (!(mb->nodes[res->v[k]].flags & F_STALE))
			res->v[n++] = res->v[k];
	res->nr = n;
	if (n < 2)
		return 0;
	redundant = xcalloc(n, 1);
	for (k = 0; k < n && !r; k++) {
		r = is_ancestor_of_any(mb, res->v[k], res->v, n);
		redundant[k] = r == 1;
		r = r == 2;
	}
	for (k = n = 0; k < res->nr; k++)
		if (!redundant[k])
			res->v[n++] = res->v[k];
	res->nr = n;
	free(redundant);
	return r;
}

static void mb_release(struct mb *mb)
{
	orch_graph_row_release(&mb->row);
	free(mb->stack.v);
	orch_heap_release(&mb->heap);
	free(mb->parents.v);
	free(mb->slots);
	free(mb->nodes);
}

int orch_merge_bases_graph(git_repository *repo, const struct orch_commit_graph *graph,
			   const git_oid *inputs, size_t nr, struct orch_merge_bases *out)
{
	struct mb mb = { .repo = repo, .graph = graph, .row = ORCH_GRAPH_ROW_INIT };
	struct nodes twos = { .v = NULL }, res = { .v = NULL };
	size_t k;
	int64_t one, two = -1;
	int r = 1;

	if (!graph || nr < 2)
		return 1;
	mb.heap = (struct orch_heap)ORCH_HEAP_INIT(sizeof(uint32_t), before, &mb);
	one = node_get(&mb, &inputs[0], ORCH_GRAPH_NO_POS);
	for (k = 1; k < nr && one >= 0 && two != one; k++) {
		two = node_get(&mb, &inputs[k], ORCH_GRAPH_NO_POS);
		if (two < 0)
			goto done;
		push(&twos, (uint32_t)two);
	}
	if (one < 0)
		goto done;
	if (two == one)		/* a commit merged with itself is its own base */
		push(&res, (uint32_t)one);
	else if (paint(&mb, (uint32_t)one, twos.v, twos.nr, &res) || keep_best(&mb, &res))
		goto done;
	out->ids = xcalloc(res.nr ? res.nr : 1, sizeof(*out->ids));
	for (k = 0; k < res.nr; k++)
		git_oid_cpy(&out->ids[k], &mb.nodes[res.v[k]].id);
	out->nr = res.nr;
	r = 0;
done:
	if (r)
		git_error_clear();	/* libgit2 decides, and says what it finds */
	free(twos.v);
	free(res.v);
	mb_release(&mb);
	return r;
}

int orch_merge_bases_find(git_repository *repo, const struct orch_commit_graph *graph,
			  const git_oid *inputs, size_t nr, struct orch_merge_bases *out)
{
	git_oidarray bases = { .ids = NULL, .count = 0 };
	size_t k;
	int err = orch_merge_bases_graph(repo, graph, inputs, nr, out);

	if (err <= 0)
		return err;
	err = git_merge_bases_many(&bases, repo, nr, inputs);
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (err < 0)
		return -1;
	out->ids = xcalloc(bases.count ? bases.count : 1, sizeof(*out->ids));
	for (k = 0; k < bases.count; k++)
		git_oid_cpy(&out->ids[k], &bases.ids[k]);
	out->nr = bases.count;
	git_oidarray_free(&bases);
	return 0;
}

void orch_merge_bases_release(struct orch_merge_bases *b)
{
	free(b->ids);
	b->ids = NULL;
	b->nr = 0;
}
