/*
 * libFuzzer target: branch patterns. The input is "PATTERNS\nNAME".
 * Besides "no crash", matching must stay fast (libFuzzer's -timeout catches
 * a slow input) and agree with a tiny recursive reference matcher on
 * inputs small enough for it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The obvious exponential glob: '*' stops at '/', '**' does not. */
static int reference(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	if (p[0] == '*' && p[1] == '*') {
		while (*p == '*')
			p++;
		for (;; s++) {
			if (reference(p, s))
				return 1;
			if (!*s)
				return 0;
		}
	}
	if (*p == '*') {
		for (;; s++) {
			if (reference(p + 1, s))
				return 1;
			if (!*s || *s == '/')
				return 0;
		}
	}
	if (!*s || (*p == '?' ? *s == '/' : *p != *s))
		return 0;
	return reference(p + 1, s + 1);
}

/* The branch a name means: refs/heads/x and x are branch x; any other refs/ name is no branch. */
static const char *short_name(const char *s)
{
	if (!strncmp(s, "refs/heads/", 11))
		return s + 11;
	return strncmp(s, "refs/", 5) ? s : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *name;
	struct orch_patterns p = ORCH_PATTERNS_INIT;
	const char *bad = NULL;
	size_t i;

	memcpy(buf, data, size);
	buf[size] = '\0';
	name = strchr(buf, '\n');
	if (name)
		*name++ = '\0';
	else
		name = buf + size;

	if (orch_patterns_parse(&p, buf, &bad) == 0) {
		int any = 0;

		for (i = 0; i < p.nr; i++) {
			int m = orch_pattern_match(p.items[i], name);
			size_t stars = 0;
			const char *c;

			for (c = p.items[i]; *c; c++)
				stars += *c == '*';
			if (stars <= 4 && strlen(name) <= 64 &&
			    m != (short_name(p.items[i]) && short_name(name) &&
				  reference(short_name(p.items[i]), short_name(name))))
				abort();
			any |= m;
		}
		if (orch_patterns_match(&p, name) != any)
			abort();
	} else if (!bad) {
		abort();
	}
	/* The whole first line as one pattern, unchecked characters and all. */
	orch_pattern_match(buf, name);
	orch_patterns_release(&p);
	free(buf);
	return 0;
}
