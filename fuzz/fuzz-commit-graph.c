/*
 * libFuzzer target: the commit-graph reader (src/commit-graph.c) and the
 * walk over it (src/graph-walk.c).
 *
 * Input: one graph file (starting "CGPH"), or 'S', a 2-byte big-endian
 * length and two layers of a split chain (base, then top).
 * Invariants checked beyond "no crash":
 *  - every OID listed is found at its own row, and an OID one bit away is
 *    either absent or listed itself;
 *  - a row that reads gives parents inside the graph, each of a lower
 *    generation than its child;
 *  - the walk from one listed commit hiding another (in generation order),
 *    and hiding nothing (in any order), gives exactly what a plain
 *    depth-first reference computes from the rows (when every row it needs
 *    reads), and says "inconsistent" (1) rather than lie otherwise.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commit-graph.h"
#include "graph-walk.h"
#include "oidset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* The commits reachable from `start` by the rows; 0, or -1 when a row does not read. */
static int reach(const struct orch_commit_graph *g, uint32_t start, unsigned char *seen, unsigned char bit)
{
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;
	uint32_t nr = orch_commit_graph_nr(g), *stack = malloc(((size_t)nr + 1) * sizeof(*stack));
	size_t top = 0;
	unsigned i;
	int ret = 0;

	stack[top++] = start;
	seen[start] |= bit;
	while (top && !ret) {
		uint32_t pos = stack[--top];

		if (orch_commit_graph_read(g, pos, &row) < 0) {
			ret = -1;
			break;
		}
		for (i = 0; i < row.nr_parents; i++) {
			CHECK(row.parents[i] < nr);
			if (seen[row.parents[i]] & bit)
				continue;
			seen[row.parents[i]] |= bit;
			stack[top++] = row.parents[i];
		}
	}
	free(stack);
	orch_graph_row_release(&row);
	return ret;
}

struct collected {
	const struct orch_commit_graph *g;
	unsigned char *got;
};

static int collect(const struct orch_commit_head *h, void *payload)
{
	struct collected *c = payload;
	uint32_t pos = orch_commit_graph_find(c->g, &h->id);

	CHECK(pos != ORCH_GRAPH_NO_POS);
	CHECK(!c->got[pos]);	/* once each */
	c->got[pos] = 1;
	return 0;
}

static void check_walk(const struct orch_commit_graph *g, uint32_t tip, uint32_t hidden)
{
	uint32_t nr = orch_commit_graph_nr(g), i;
	unsigned char *seen = calloc((size_t)nr + 1, 1), *got = calloc((size_t)nr + 1, 1);
	struct collected c = { g, got };
	git_oid tip_id, hide_id;
	int sound, r;

	orch_commit_graph_oid(g, tip, &tip_id);
	orch_commit_graph_oid(g, hidden, &hide_id);
	sound = reach(g, tip, seen, 1) == 0 && reach(g, hidden, seen, 2) == 0;
	/* No object database: a walk that stays in the graph never needs one. */
	r = orch_graph_walk(g, NULL, &tip_id, &hide_id, 1, collect, &c);
	CHECK(r == 0 || r == 1);
	if (sound) {
		CHECK(r == 0);
		for (i = 0; i < nr; i++)
			CHECK(got[i] == (seen[i] == 1));
	}
	/* Nothing hidden: any order, everything the tip reaches. */
	memset(got, 0, (size_t)nr + 1);
	r = orch_graph_walk(g, NULL, &tip_id, NULL, 0, collect, &c);
	CHECK(r == 0 || r == 1);
	if (sound) {
		CHECK(r == 0);
		for (i = 0; i < nr; i++)
			CHECK(got[i] == (seen[i] & 1));
	}
	free(seen);
	free(got);
}

static void check_graph(const struct orch_commit_graph *g)
{
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;
	uint32_t nr = orch_commit_graph_nr(g), pos, i;
	git_oid oid;

	for (pos = 0; pos < nr; pos++) {
		orch_commit_graph_oid(g, pos, &oid);
		CHECK(orch_commit_graph_find(g, &oid) == pos);
		oid.id[GIT_OID_RAWSZ - 1] ^= 1;
		i = orch_commit_graph_find(g, &oid);
		if (i != ORCH_GRAPH_NO_POS) {
			git_oid listed;

			orch_commit_graph_oid(g, i, &listed);
			CHECK(git_oid_equal(&listed, &oid));
		}
		if (orch_commit_graph_read(g, pos, &row) == 0)
			for (i = 0; i < row.nr_parents; i++) {
				CHECK(row.parents[i] < nr);
				CHECK(orch_commit_graph_generation(g, row.parents[i]) < row.generation);
			}
	}
	orch_graph_row_release(&row);
	if (nr)
		check_walk(g, nr - 1, nr / 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct orch_commit_graph *g = NULL;

	if (size >= 3 && data[0] == 'S') {
		size_t first = (size_t)data[1] << 8 | data[2];
		const unsigned char *bufs[2];
		size_t lens[2];

		if (first > size - 3)
			return 0;
		bufs[0] = data + 3;
		lens[0] = first;
		bufs[1] = data + 3 + first;
		lens[1] = size - 3 - first;
		g = orch_commit_graph_from_buffers(bufs, lens, 2);
	} else {
		g = orch_commit_graph_from_buffers(&data, &size, 1);
	}
	if (g)
		check_graph(g);
	orch_commit_graph_free(g);
	return 0;
}
