#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "graph-walk.h"
#include "heap.h"
#include "oidset.h"
#include "strbuf.h"

/* What the walk knows of a commit of the graph, by its position. */
#define F_NEW 1		/* reachable from the tip */
#define F_OLD 2		/* reachable from a hidden commit */
#define F_QUEUED 4
#define F_DONE 8

struct entry {
	uint64_t gen;
	uint32_t pos;
};

struct walk {
	const struct orch_commit_graph *graph;
	git_odb *odb;
	unsigned char *flags;
	struct orch_heap heap;		/* highest generation first; a stack when nothing is hidden */
	size_t live;			/* queued commits reachable from the tip only */
	git_oid *stack;			/* the commits outside the graph still to read */
	size_t nr_stack, alloc_stack;
	struct orch_oidset old_loose, seen_loose;
	struct orch_graph_row row;
	struct orch_commit_head head;
};

static int higher(const void *a, const void *b, const void *ctx)
{
	(void)ctx;
	return ((const struct entry *)a)->gen > ((const struct entry *)b)->gen;
}

static void queue(struct walk *w, uint32_t pos)
{
	struct entry e = { .gen = 0, .pos = pos };

	if (w->heap.before)
		e.gen = orch_commit_graph_generation(w->graph, pos);
	orch_heap_push(&w->heap, &e);
}

/* Marks a commit of the graph NEW or OLD and queues it; -1 when it was done already. */
static int mark(struct walk *w, uint32_t pos, unsigned char flag)
{
	unsigned char f = w->flags[pos];

	if (f & flag)
		return 0;
	if (f & F_DONE)
		return -1;	/* a parent after its child: the generations lie */
	if (f & F_QUEUED) {
		if (flag == F_OLD && (f & F_NEW))
			w->live--;
		else if (flag == F_NEW && !(f & F_OLD))
			w->live++;
		w->flags[pos] |= flag;
		return 0;
	}
	w->flags[pos] = f | flag | F_QUEUED;
	if (flag == F_NEW)
		w->live++;
	queue(w, pos);
	return 0;
}

static void push_oid(struct walk *w, const git_oid *id)
{
	if (w->nr_stack == w->alloc_stack) {
		w->alloc_stack = w->alloc_stack ? 2 * w->alloc_stack : 64;
		w->stack = xrealloc(w->stack, w->alloc_stack * sizeof(*w->stack));
	}
	git_oid_cpy(&w->stack[w->nr_stack++], id);
}

/* The parents pushed so that the first parent comes out first. */
static void push_parents(struct walk *w, const struct orch_commit_head *h)
{
	unsigned i;

	for (i = h->nr_parents; i-- > 0;)
		push_oid(w, &h->parents[i]);
}

/*
 * The next commit on the stack that the graph does not hold, into *id: 1.
 * Those it holds get `flag` on the way. 0 when the stack is empty, -1 when
 * marking one failed.
 */
static int next_loose(struct walk *w, unsigned char flag, git_oid *id)
{
	while (w->nr_stack) {
		uint32_t pos;

		git_oid_cpy(id, &w->stack[--w->nr_stack]);
		pos = orch_commit_graph_find(w->graph, id);
		if (pos == ORCH_GRAPH_NO_POS)
			return 1;
		if (mark(w, pos, flag) < 0)
			return -1;
	}
	return 0;
}

/*
 * The hidden history outside the graph (pushed to protected branches since
 * it was written) into old_loose; where it enters the graph, OLD marks.
 */
static int walk_hidden_loose(struct walk *w, const git_oid *hide, size_t nr_hide)
{
	git_oid id;
	int r;

	while (nr_hide)
		push_oid(w, &hide[--nr_hide]);
	while ((r = next_loose(w, F_OLD, &id)) > 0) {
		if (!orch_oidset_add(&w->old_loose, &id))
			continue;
		if (orch_commit_head_read(&w->head, w->odb, &id) < 0)
			return -1;
		push_parents(w, &w->head);
	}
	return r < 0 ? 1 : 0;
}

/* The tip's history outside the graph: the commits of the push itself. */
static int walk_tip_loose(struct walk *w, const git_oid *tip, orch_graph_walk_fn fn, void *payload)
{
	git_oid id;
	int r;

	push_oid(w, tip);
	while ((r = next_loose(w, F_NEW, &id)) > 0) {
		if (orch_oidset_contains(&w->old_loose, &id) || !orch_oidset_add(&w->seen_loose, &id))
			continue;
		if (orch_commit_head_read(&w->head, w->odb, &id) < 0 || fn(&w->head, payload) < 0)
			return -1;
		push_parents(w, &w->head);
	}
	return r < 0 ? 1 : 0;
}

static void head_from_row(const struct orch_commit_graph *graph, uint32_t pos,
			  const struct orch_graph_row *row, struct orch_commit_head *h)
{
	unsigned i;

	orch_commit_graph_oid(graph, pos, &h->id);
	git_oid_cpy(&h->tree, &row->tree);
	if (row->nr_parents > h->alloc) {
		h->alloc = row->nr_parents;
		h->parents = xrealloc(h->parents, h->alloc * sizeof(*h->parents));
	}
	for (i = 0; i < row->nr_parents; i++)
		orch_commit_graph_oid(graph, row->parents[i], &h->parents[i]);
	h->nr_parents = row->nr_parents;
}

/*
 * The graph part, newest generation first: a commit comes out only after
 * every commit that has it as a parent, so by then it is known whether a
 * hidden commit reaches it. Stops when only hidden history is queued.
 */
static int walk_graph(struct walk *w, orch_graph_walk_fn fn, void *payload)
{
	while (w->heap.nr && w->live) {
		struct entry e;
		uint32_t pos;
		unsigned char f;
		int fresh;
		unsigned i;

		orch_heap_pop(&w->heap, &e);
		pos = e.pos;
		f = w->flags[pos];
		fresh = (f & (F_NEW | F_OLD)) == F_NEW;
		w->flags[pos] = (unsigned char)((f & ~F_QUEUED) | F_DONE);
		if (fresh)
			w->live--;
		if (orch_commit_graph_read(w->graph, pos, &w->row) < 0)
			return 1;
		for (i = 0; i < w->row.nr_parents; i++)
			if (mark(w, w->row.parents[i], fresh ? F_NEW : F_OLD) < 0)
				return 1;
		if (fresh) {
			head_from_row(w->graph, pos, &w->row, &w->head);
			if (fn(&w->head, payload) < 0)
				return -1;
		}
	}
	return 0;
}

int orch_graph_walk(const struct orch_commit_graph *graph, git_odb *odb, const git_oid *tip,
		    const git_oid *hide, size_t nr_hide, orch_graph_walk_fn fn, void *payload)
{
	struct walk w = {
		.graph = graph,
		.odb = odb,
		.old_loose = ORCH_OIDSET_INIT,
		.seen_loose = ORCH_OIDSET_INIT,
		.row = ORCH_GRAPH_ROW_INIT,
		.head = ORCH_COMMIT_HEAD_INIT,
		.heap = ORCH_HEAP_INIT(sizeof(struct entry), nr_hide ? higher : NULL, NULL),
	};
	int r;

	w.flags = xcalloc(orch_commit_graph_nr(graph) + 1, 1);
	r = walk_hidden_loose(&w, hide, nr_hide);
	if (!r)
		r = walk_tip_loose(&w, tip, fn, payload);
	if (!r)
		r = walk_graph(&w, fn, payload);
	free(w.flags);
	orch_heap_release(&w.heap);
	free(w.stack);
	orch_oidset_release(&w.old_loose);
	orch_oidset_release(&w.seen_loose);
	orch_graph_row_release(&w.row);
	orch_commit_head_release(&w.head);
	return r;
}

int orch_graph_read_head(const struct orch_commit_graph *graph, git_odb *odb, const git_oid *id,
			 struct orch_commit_head *out)
{
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;
	uint32_t pos = graph ? orch_commit_graph_find(graph, id) : ORCH_GRAPH_NO_POS;
	int ok = pos != ORCH_GRAPH_NO_POS && orch_commit_graph_read(graph, pos, &row) == 0;

	if (ok)
		head_from_row(graph, pos, &row, out);
	orch_graph_row_release(&row);
	return ok ? 0 : orch_commit_head_read(out, odb, id);
}
