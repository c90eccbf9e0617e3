#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "strbuf.h"

static unsigned char *at(const struct orch_heap *h, size_t i)
{
	return h->v + i * h->size;
}

static void swap(struct orch_heap *h, size_t i, size_t k)
{
	unsigned char t[ORCH_HEAP_MAX_ITEM];

	memcpy(t, at(h, i), h->size);
	memcpy(at(h, i), at(h, k), h->size);
	memcpy(at(h, k), t, h->size);
}

void orch_heap_push(struct orch_heap *h, const void *item)
{
	size_t i = h->nr++;

	if (h->nr > h->alloc) {
		h->alloc = h->alloc ? 2 * h->alloc : 64;
		h->v = xrealloc(h->v, h->alloc * h->size);
	}
	memcpy(at(h, i), item, h->size);
	for (; i && h->before(at(h, i), at(h, (i - 1) / 2), h->ctx); i = (i - 1) / 2)
		swap(h, i, (i - 1) / 2);
}

void orch_heap_pop(struct orch_heap *h, void *out)
{
	size_t i = 0, n = --h->nr;

	memcpy(out, at(h, 0), h->size);
	if (!n)
		return;
	memcpy(at(h, 0), at(h, n), h->size);
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, first = i;

		if (l < n && h->before(at(h, l), at(h, first), h->ctx))
			first = l;
		if (r < n && h->before(at(h, r), at(h, first), h->ctx))
			first = r;
		if (first == i)
			return;
		swap(h, i, first);
		i = first;
	}
}

void orch_heap_release(struct orch_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->nr = h->alloc = 0;
}
