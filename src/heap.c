#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "strbuf.h"

static unsigned char *at(const struct orch_heap *h, size_t i)
{
	return h->v + i * h->size;
}

/* The walks' items are 4 or 16 bytes: copies of those sizes are inlined. */
static void copy(const struct orch_heap *h, void *to, const void *from)
{
	switch (h->size) {
	case 4:
		memcpy(to, from, 4);
		break;
	case 16:
		memcpy(to, from, 16);
		break;
	default:
		memcpy(to, from, h->size);
	}
}

/* Sifting moves a hole, not the item: each step copies one item. */
void orch_heap_push(struct orch_heap *h, const void *item)
{
	size_t i = h->nr++;

	if (h->nr > h->alloc) {
		h->alloc = h->alloc ? 2 * h->alloc : 64;
		h->v = xrealloc(h->v, h->alloc * h->size);
	}
	if (!h->before) {	/* a stack */
		copy(h, at(h, i), item);
		return;
	}
	for (; i && h->before(item, at(h, (i - 1) / 2), h->ctx); i = (i - 1) / 2)
		copy(h, at(h, i), at(h, (i - 1) / 2));
	copy(h, at(h, i), item);
}

void orch_heap_pop(struct orch_heap *h, void *out)
{
	size_t i = 0, n = --h->nr;
	const unsigned char *last = at(h, n);

	if (!h->before) {	/* a stack */
		copy(h, out, last);
		return;
	}
	copy(h, out, at(h, 0));
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, first;

		if (l >= n)
			break;
		first = r < n && h->before(at(h, r), at(h, l), h->ctx) ? r : l;
		if (!h->before(at(h, first), last, h->ctx))
			break;
		copy(h, at(h, i), at(h, first));
		i = first;
	}
	if (n)
		copy(h, at(h, i), last);
}

void orch_heap_release(struct orch_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->nr = h->alloc = 0;
}
