#ifndef ORCH_FUZZ_H
#define ORCH_FUZZ_H

/*
 * What the fuzz targets share. An invariant that does not hold calls
 * abort(), which libFuzzer (and fuzz/replay.c under make check) reports as
 * a crash with the input that broke it.
 */
#include <stdlib.h>
#include <string.h>

/* Two optional strings are equal: both absent, or both present and the same. */
static inline int fuzz_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/*
 * Two texts must be the same: a format's fixed point (a record written,
 * read back and written again), a signed payload of both. Frees both.
 */
static inline void fuzz_same_text(char *a, char *b)
{
	if (strcmp(a, b))
		abort();
	free(a);
	free(b);
}

#endif
