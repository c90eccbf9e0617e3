/* Unit tests for the binary heap of the commit walks (src/heap.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heap.h"
#include "unit-helpers.h"

/* As src/graph-walk.c queues: 16-byte items, the highest key first. */
struct item {
	uint64_t key;
	uint32_t id;
};

static int higher(const void *a, const void *b, const void *ctx)
{
	(void)ctx;
	return ((const struct item *)a)->key > ((const struct item *)b)->key;
}

/* As src/merge-base.c queues: indices into a table, ordered by two keys there. */
struct row {
	uint64_t gen;
	int64_t time;
};

static int before(const void *a, const void *b, const void *ctx)
{
	const struct row *rows = ctx, *x = &rows[*(const uint32_t *)a], *y = &rows[*(const uint32_t *)b];

	return x->gen != y->gen ? x->gen > y->gen : x->time > y->time;
}

static void test_items_come_out_in_order(void **state)
{
	struct orch_heap h = ORCH_HEAP_INIT(sizeof(struct item), higher, NULL);
	struct item it;
	uint64_t last = UINT64_MAX, seed = 12;
	unsigned i, seen = 0;

	(void)state;
	for (i = 0; i < 5000; i++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		it.key = (seed >> 33) % 700;	/* many equal keys */
		it.id = i;
		orch_heap_push(&h, &it);
		if (i % 3 == 0) {	/* pops between pushes, as a walk does */
			orch_heap_pop(&h, &it);
			seen++;
		}
	}
	while (h.nr) {
		orch_heap_pop(&h, &it);
		if (seen++ > 1667 && it.key > last)
			fail_msg("key %llu after %llu", (unsigned long long)it.key, (unsigned long long)last);
		last = it.key;
	}
	assert_int_equal(seen, 5000);
	orch_heap_release(&h);
}

static void test_two_keys_through_a_table(void **state)
{
	static const struct row rows[] = { { 3, 10 }, { 5, 1 }, { 3, 30 }, { 5, 2 }, { 1, 99 }, { 3, 20 } };
	static const uint32_t expect[] = { 3, 1, 2, 5, 0, 4 };
	struct orch_heap h = ORCH_HEAP_INIT(sizeof(uint32_t), before, rows);
	uint32_t i, got;

	(void)state;
	for (i = 0; i < 6; i++)
		orch_heap_push(&h, &i);
	for (i = 0; i < 6; i++) {
		orch_heap_pop(&h, &got);
		assert_int_equal(got, expect[i]);
	}
	assert_int_equal(h.nr, 0);
	orch_heap_release(&h);
}

/*
 * No comparison (src/graph-walk.c when nothing is hidden): a stack, the
 * last item pushed first out, pops between pushes included. A heap asked
 * with a comparison that never orders would hand out its root instead.
 */
static void test_no_order_is_a_stack(void **state)
{
	static const uint32_t expect[] = { 2, 4, 3, 1, 0 };
	struct orch_heap h = ORCH_HEAP_INIT(sizeof(struct item), NULL, NULL);
	struct item it = { 0, 0 };
	uint32_t i, n = 0;

	(void)state;
	for (i = 0; i < 3; i++) {
		it.key = i;
		it.id = i;
		orch_heap_push(&h, &it);
	}
	orch_heap_pop(&h, &it);
	assert_int_equal(it.id, expect[n++]);
	for (; i < 5; i++) {
		it.key = i;
		it.id = i;
		orch_heap_push(&h, &it);
	}
	while (h.nr) {
		orch_heap_pop(&h, &it);
		assert_int_equal(it.id, expect[n++]);
		assert_int_equal(it.key, it.id);
	}
	assert_int_equal(n, 5);
	orch_heap_release(&h);
}

UNIT_MAIN("heap",
	  cmocka_unit_test(test_items_come_out_in_order),
	  cmocka_unit_test(test_two_keys_through_a_table),
	  cmocka_unit_test(test_no_order_is_a_stack))
