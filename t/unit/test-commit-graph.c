/* Unit tests for the commit-graph reader (src/commit-graph.c) on crafted files. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "commit-graph.h"

#define NONE 0x70000000u
#define EDGE 0x80000000u

/* A commit to write: its id is the byte `id` repeated, its tree `id` ^ 0xff. */
struct spec {
	unsigned char id;
	uint32_t p1, p2;
	uint32_t level;
	uint64_t time;
	uint32_t gda;		/* generation data offset (or overflow index | 1 << 31) */
};

struct craft {
	const struct spec *commits;
	size_t nr;
	const uint32_t *edges;
	size_t nr_edges;
	const uint64_t *gdo;
	size_t nr_gdo;
	int gda;
	const unsigned char *base;	/* nr_base hashes of 20 bytes */
	unsigned nr_base;
	unsigned char trailer;		/* the checksum: one byte repeated */
};

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

struct chunkw {
	const char *id;
	size_t size;
};

/* Writes the graph file into buf (big enough); returns its length. */
static size_t build(unsigned char *buf, const struct craft *c)
{
	struct chunkw ch[7];
	size_t n = 0, off, i, j, k;
	unsigned char *p;

	ch[n++] = (struct chunkw){ "OIDF", 1024 };
	ch[n++] = (struct chunkw){ "OIDL", c->nr * 20 };
	ch[n++] = (struct chunkw){ "CDAT", c->nr * 36 };
	if (c->gda)
		ch[n++] = (struct chunkw){ "GDA2", c->nr * 4 };
	if (c->nr_gdo)
		ch[n++] = (struct chunkw){ "GDO2", c->nr_gdo * 8 };
	if (c->nr_edges)
		ch[n++] = (struct chunkw){ "EDGE", c->nr_edges * 4 };
	if (c->nr_base)
		ch[n++] = (struct chunkw){ "BASE", c->nr_base * 20u };
	memcpy(buf, "CGPH", 4);
	buf[4] = 1;
	buf[5] = 1;
	buf[6] = (unsigned char)n;
	buf[7] = (unsigned char)c->nr_base;
	off = 8 + (n + 1) * 12;
	for (i = 0; i <= n; i++) {
		p = buf + 8 + i * 12;
		memcpy(p, i < n ? ch[i].id : "\0\0\0\0", 4);
		put64(p + 4, off);
		if (i < n)
			off += ch[i].size;
	}
	p = buf + 8 + (n + 1) * 12;
	for (i = 0; i < 256; i++) {
		for (j = k = 0; j < c->nr; j++)
			k += c->commits[j].id <= i;
		put32(p + 4 * i, (uint32_t)k);
	}
	p += 1024;
	for (i = 0; i < c->nr; i++, p += 20)
		memset(p, c->commits[i].id, 20);
	for (i = 0; i < c->nr; i++, p += 36) {
		const struct spec *s = &c->commits[i];

		memset(p, s->id ^ 0xff, 20);
		put32(p + 20, s->p1);
		put32(p + 24, s->p2);
		put32(p + 28, s->level << 2 | (uint32_t)(s->time >> 32));
		put32(p + 32, (uint32_t)s->time);
	}
	if (c->gda)
		for (i = 0; i < c->nr; i++, p += 4)
			put32(p, c->commits[i].gda);
	for (i = 0; i < c->nr_gdo; i++, p += 8)
		put64(p, c->gdo[i]);
	for (i = 0; i < c->nr_edges; i++, p += 4)
		put32(p, c->edges[i]);
	if (c->nr_base) {
		memcpy(p, c->base, c->nr_base * 20u);
		p += c->nr_base * 20u;
	}
	memset(p, c->trailer, 20);
	return (size_t)(p + 20 - buf);
}

static struct orch_commit_graph *one(const unsigned char *buf, size_t len)
{
	const unsigned char *bufs[1] = { buf };

	return orch_commit_graph_from_buffers(bufs, &len, 1);
}

static uint32_t find(const struct orch_commit_graph *g, unsigned char id)
{
	git_oid oid;

	memset(oid.id, id, sizeof(oid.id));
	return orch_commit_graph_find(g, &oid);
}

/*
 * 0x10 root; 0x20 and 0x30 children of the root; 0x40 the octopus of all
 * three (extra edges); 0x50 a merge of 0x40 and 0x20 whose generation offset
 * overflows into GDO2.
 */
static const struct spec history[] = {
	{ 0x10, NONE, NONE, 1, 1000, 0 },
	{ 0x20, 0, NONE, 2, 1100, 0 },
	{ 0x30, 0, NONE, 2, 900, 101 },	/* clock skew: corrected to 1001 */
	{ 0x40, 1, EDGE | 0, 3, 1200, 0 },
	{ 0x50, 3, 1, 4, 1300, EDGE | 0 },
};
static const uint32_t history_edges[] = { 2, EDGE | 0 };
static const uint64_t history_gdo[] = { (uint64_t)1 << 32 };

static size_t build_history(unsigned char *buf, int gda)
{
	struct craft c = { history, 5, history_edges, 2, history_gdo, gda ? 1 : 0, gda, NULL, 0, 0xaa };

	return build(buf, &c);
}

static void test_rows(void **state)
{
	static unsigned char buf[4096];
	size_t len = build_history(buf, 1);
	struct orch_commit_graph *g = one(buf, len);
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;
	git_oid oid;
	size_t i;

	(void)state;
	assert_non_null(g);
	assert_int_equal(orch_commit_graph_nr(g), 5);
	/* Every listed id is found at its own row, and gives its id back. */
	for (i = 0; i < 5; i++) {
		assert_int_equal(find(g, history[i].id), i);
		orch_commit_graph_oid(g, (uint32_t)i, &oid);
		assert_int_equal(oid.id[19], history[i].id);
	}
	assert_int_equal(find(g, 0x11), ORCH_GRAPH_NO_POS);
	assert_int_equal(find(g, 0x00), ORCH_GRAPH_NO_POS);
	assert_int_equal(find(g, 0xff), ORCH_GRAPH_NO_POS);

	assert_int_equal(orch_commit_graph_read(g, 0, &row), 0);
	assert_int_equal(row.nr_parents, 0);
	assert_int_equal(row.tree.id[0], 0x10 ^ 0xff);
	assert_int_equal(row.generation, 1000);
	assert_int_equal(orch_commit_graph_read(g, 2, &row), 0);
	assert_int_equal(row.time, 900);
	assert_int_equal(row.generation, 1001);
	/* The octopus: the second parent's slot points into the extra edges. */
	assert_int_equal(orch_commit_graph_read(g, 3, &row), 0);
	assert_int_equal(row.nr_parents, 3);
	assert_int_equal(row.parents[0], 1);
	assert_int_equal(row.parents[1], 2);
	assert_int_equal(row.parents[2], 0);
	assert_int_equal(orch_commit_graph_read(g, 4, &row), 0);
	assert_int_equal(row.nr_parents, 2);
	assert_int_equal(row.generation, 1300 + ((uint64_t)1 << 32));
	assert_int_equal(orch_commit_graph_read(g, 5, &row), -1);
	orch_graph_row_release(&row);
	orch_commit_graph_free(g);
}

static void test_topological_level_without_generation_data(void **state)
{
	static unsigned char buf[4096];
	size_t len = build_history(buf, 0);
	struct orch_commit_graph *g = one(buf, len);
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;

	(void)state;
	assert_non_null(g);
	assert_int_equal(orch_commit_graph_read(g, 4, &row), 0);
	assert_int_equal(row.generation, 4);
	assert_int_equal(row.time, 1300);
	orch_graph_row_release(&row);
	orch_commit_graph_free(g);
}

/* Every shorter prefix of a good file is refused, none read out of bounds. */
static void test_truncated(void **state)
{
	static unsigned char buf[4096];
	size_t len = build_history(buf, 1), i;

	(void)state;
	for (i = 0; i < len; i++) {
		unsigned char *copy = malloc(i ? i : 1);
		struct orch_commit_graph *g;

		memcpy(copy, buf, i);
		g = one(copy, i);
		assert_null(g);
		free(copy);
	}
}

static void expect_refused(unsigned char *buf, size_t len, size_t at, unsigned char byte)
{
	unsigned char old = buf[at];

	buf[at] = byte;
	assert_null(one(buf, len));
	buf[at] = old;
}

static void test_bad_headers_and_chunks(void **state)
{
	static unsigned char buf[4096];
	size_t len = build_history(buf, 1);
	size_t table = 8, oidl;

	(void)state;
	expect_refused(buf, len, 0, 'X');		/* signature */
	expect_refused(buf, len, 4, 2);			/* version */
	expect_refused(buf, len, 5, 2);			/* SHA-256: a foreign hash */
	expect_refused(buf, len, 6, 200);		/* more chunks than the table holds */
	expect_refused(buf, len, 7, 1);			/* a base graph the file does not name */
	expect_refused(buf, len, table + 5, 0xff);	/* OIDF's offset past the end */
	expect_refused(buf, len, table + 12 + 3, 'F');	/* OIDL renamed OIDF: a duplicate */
	expect_refused(buf, len, table + 12 + 11, 1);	/* OIDL before OIDF's end: overlap */
	expect_refused(buf, len, table + 12 + 3, 'X');	/* no OID lookup chunk */
	/* The OIDs out of order, and a fan-out that does not count them. */
	oidl = 8 + 7 * 12 + 1024;
	expect_refused(buf, len, oidl + 20, 0x05);
	expect_refused(buf, len, 8 + 7 * 12 + 4 * 0x20 + 3, 1);
	assert_non_null(buf);
}

static void expect_bad_row(const struct spec *commits, size_t nr, const uint32_t *edges, size_t nr_edges,
			   uint32_t pos)
{
	static unsigned char buf[4096];
	struct craft c = { commits, nr, edges, nr_edges, NULL, 0, 0, NULL, 0, 0xbb };
	size_t len = build(buf, &c);
	struct orch_commit_graph *g = one(buf, len);
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;

	assert_non_null(g);
	assert_int_equal(orch_commit_graph_read(g, pos, &row), -1);
	orch_graph_row_release(&row);
	orch_commit_graph_free(g);
}

static void test_bad_rows(void **state)
{
	static const struct spec out_of_range[] = { { 0x10, NONE, NONE, 1, 1, 0 }, { 0x20, 7, NONE, 2, 2, 0 } };
	static const struct spec self[] = { { 0x10, 0, NONE, 1, 1, 0 } };
	static const struct spec level[] = { { 0x10, 1, NONE, 2, 1, 0 }, { 0x20, NONE, NONE, 2, 2, 0 } };
	static const struct spec no_first[] = { { 0x10, NONE, NONE, 1, 1, 0 }, { 0x20, NONE, 0, 2, 2, 0 } };
	static const struct spec octopus[] = { { 0x10, NONE, NONE, 1, 1, 0 }, { 0x20, NONE, NONE, 1, 1, 0 },
					       { 0x30, 0, EDGE | 0, 2, 2, 0 } };
	static const uint32_t unterminated[] = { 1, 0 };
	static const struct spec zero[] = { { 0x10, NONE, NONE, 0, 1, 0 } };

	(void)state;
	expect_bad_row(out_of_range, 2, NULL, 0, 1);
	expect_bad_row(self, 1, NULL, 0, 0);
	expect_bad_row(level, 2, NULL, 0, 0);		/* a parent not below its child */
	expect_bad_row(no_first, 2, NULL, 0, 1);
	expect_bad_row(octopus, 3, unterminated, 2, 2);	/* edges run off the chunk */
	expect_bad_row(octopus, 3, NULL, 0, 2);		/* no edge chunk at all */
	expect_bad_row(zero, 1, NULL, 0, 0);		/* generation zero: never computed */
}

/* A chain: the top layer's parents reach into the base, positions follow on. */
static void test_split_chain(void **state)
{
	static const struct spec base[] = { { 0x10, NONE, NONE, 1, 100, 0 }, { 0x30, 0, NONE, 2, 200, 0 } };
	static const struct spec top[] = { { 0x20, 1, NONE, 3, 300, 0 }, { 0x40, 2, 0, 4, 400, 0 } };
	static unsigned char b0[4096], b1[4096], base_hash[20];
	struct craft c0 = { base, 2, NULL, 0, NULL, 0, 1, NULL, 0, 0x01 };
	struct craft c1 = { top, 2, NULL, 0, NULL, 0, 1, base_hash, 1, 0x02 };
	const unsigned char *bufs[2] = { b0, b1 };
	size_t lens[2];
	struct orch_commit_graph *g;
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;

	(void)state;
	memset(base_hash, 0x01, sizeof(base_hash));
	lens[0] = build(b0, &c0);
	lens[1] = build(b1, &c1);
	g = orch_commit_graph_from_buffers(bufs, lens, 2);
	assert_non_null(g);
	assert_int_equal(orch_commit_graph_nr(g), 4);
	assert_int_equal(find(g, 0x10), 0);
	assert_int_equal(find(g, 0x30), 1);
	assert_int_equal(find(g, 0x20), 2);
	assert_int_equal(find(g, 0x40), 3);
	assert_int_equal(orch_commit_graph_read(g, 3, &row), 0);
	assert_int_equal(row.nr_parents, 2);
	assert_int_equal(row.parents[0], 2);
	assert_int_equal(row.parents[1], 0);
	assert_int_equal(row.generation, 400);
	orch_commit_graph_free(g);

	/* The top layer alone: its parents point below it, into nothing. */
	g = orch_commit_graph_from_buffers(bufs + 1, lens + 1, 1);
	assert_null(g);
	/* A base layer that is not the one the top names. */
	memset(base_hash, 0x03, sizeof(base_hash));
	lens[1] = build(b1, &c1);
	assert_null(orch_commit_graph_from_buffers(bufs, lens, 2));

	/* A base without generation data: levels for the whole chain. */
	memset(base_hash, 0x01, sizeof(base_hash));
	lens[1] = build(b1, &c1);
	c0.gda = 0;
	lens[0] = build(b0, &c0);
	g = orch_commit_graph_from_buffers(bufs, lens, 2);
	assert_non_null(g);
	assert_int_equal(orch_commit_graph_read(g, 3, &row), 0);
	assert_int_equal(row.generation, 4);
	orch_graph_row_release(&row);
	orch_commit_graph_free(g);
}

static void test_overflow_index_out_of_range(void **state)
{
	static const struct spec s[] = { { 0x10, NONE, NONE, 1, 100, EDGE | 3 } };
	static unsigned char buf[4096];
	static const uint64_t gdo[] = { 5 };
	struct craft c = { s, 1, NULL, 0, gdo, 1, 1, NULL, 0, 0xcc };
	size_t len = build(buf, &c);
	struct orch_commit_graph *g = one(buf, len);
	struct orch_graph_row row = ORCH_GRAPH_ROW_INIT;

	(void)state;
	assert_non_null(g);
	assert_int_equal(orch_commit_graph_read(g, 0, &row), -1);
	orch_graph_row_release(&row);
	orch_commit_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_topological_level_without_generation_data),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_headers_and_chunks),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_split_chain),
		cmocka_unit_test(test_overflow_index_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
