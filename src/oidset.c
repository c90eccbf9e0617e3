#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oidset.h"
#include "strbuf.h"

/* Object ids are already uniformly distributed: their first bytes are the hash. */
static size_t slot_of(const git_oid *oid, size_t cap)
{
	size_t h;

	memcpy(&h, oid->id, sizeof(h));
	return h & (cap - 1);
}

static void insert(struct orch_oidset *s, const git_oid *oid)
{
	size_t i = slot_of(oid, s->cap);

	while (s->used[i])
		i = (i + 1) & (s->cap - 1);
	s->used[i] = 1;
	git_oid_cpy(&s->slots[i], oid);
	s->nr++;
}

static void grow(struct orch_oidset *s)
{
	struct orch_oidset bigger;
	size_t i;

	bigger.cap = s->cap ? 2 * s->cap : 64;
	bigger.nr = 0;
	bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
	bigger.used = xcalloc(bigger.cap, 1);
	for (i = 0; i < s->cap; i++)
		if (s->used[i])
			insert(&bigger, &s->slots[i]);
	orch_oidset_release(s);
	*s = bigger;
}

int orch_oidset_contains(const struct orch_oidset *s, const git_oid *oid)
{
	size_t i;

	if (!s->cap)
		return 0;
	for (i = slot_of(oid, s->cap); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->slots[i], oid))
			return 1;
	return 0;
}

int orch_oidset_add(struct orch_oidset *s, const git_oid *oid)
{
	if (orch_oidset_contains(s, oid))
		return 0;
	/* Keep the load under one half so probes stay short. */
	if (2 * (s->nr + 1) > s->cap)
		grow(s);
	insert(s, oid);
	return 1;
}

void orch_oidset_release(struct orch_oidset *s)
{
	free(s->slots);
	free(s->used);
	memset(s, 0, sizeof(*s));
}
