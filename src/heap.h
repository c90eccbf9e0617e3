#ifndef ORCH_HEAP_H
#define ORCH_HEAP_H

#include <stddef.h>

/*
 * A binary heap of fixed-size items (at most ORCH_HEAP_MAX_ITEM bytes),
 * ordered by `before`: the item it puts before all others comes out first.
 * The commit walks queue by it (src/graph-walk.c: the highest generation
 * first; src/merge-base.c: the highest generation, then the newest).
 * With `before` NULL no order is kept and none is paid for: the last item
 * pushed comes out first (a stack; src/graph-walk.c when nothing is hidden).
 */
#define ORCH_HEAP_MAX_ITEM 32

struct orch_heap {
	unsigned char *v;
	size_t nr, alloc, size;
	int (*before)(const void *a, const void *b, const void *ctx);
	const void *ctx;
};

#define ORCH_HEAP_INIT(item_size, before_fn, context) { NULL, 0, 0, (item_size), (before_fn), (context) }

void orch_heap_push(struct orch_heap *h, const void *item);
/* The first item into *out; the heap must not be empty. */
void orch_heap_pop(struct orch_heap *h, void *out);
void orch_heap_release(struct orch_heap *h);

#endif
