#include "config.h"

#include <string.h>
#include <stdlib.h>

#include "pattern.h"
#include "strbuf.h"

static const char *short_name(const char *name)
{
	if (!strncmp(name, "refs/heads/", 11))
		return name + 11;
	return name;
}

/* Glob with '*' (not across '/'), '**' (across '/'), '?' and no classes. */
static int glob(const char *p, const char *s)
{
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			while (*p == '*')
				p++;
			for (;; s++) {
				if (glob(p, s))
					return 1;
				if (!*s)
					return 0;
			}
		}
		if (*p == '*') {
			p++;
			for (;; s++) {
				if (glob(p, s))
					return 1;
				if (!*s || *s == '/')
					return 0;
			}
		}
		if (!*s)
			return 0;
		if (*p != '?' && *p != *s)
			return 0;
		if (*p == '?' && *s == '/')
			return 0;
		p++;
		s++;
	}
	return !*s;
}

int orch_pattern_match(const char *pattern, const char *name)
{
	return glob(short_name(pattern), short_name(name));
}

static int valid_pattern(const char *p)
{
	/* Characters git forbids in ref names can never match a branch. */
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '~' || *p == '^' ||
		    *p == ':' || *p == '\\' || *p == '[')
			return 0;
	return 1;
}

int orch_patterns_parse(struct orch_patterns *out, const char *list, const char **bad)
{
	const char *p = list;

	while (*p) {
		size_t n;
		char *item;

		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (!n)
			break;
		item = xstrndup(p, n);
		if (!valid_pattern(item)) {
			free(item);
			if (bad)
				*bad = "a pattern holds a character git forbids in branch names";
			return -1;
		}
		out->items = xrealloc(out->items, (out->nr + 1) * sizeof(*out->items));
		out->items[out->nr++] = item;
		p += n;
	}
	return 0;
}

void orch_patterns_release(struct orch_patterns *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		free(p->items[i]);
	free(p->items);
	p->items = NULL;
	p->nr = 0;
}

int orch_patterns_match(const struct orch_patterns *p, const char *branch)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (orch_pattern_match(p->items[i], branch))
			return 1;
	return 0;
}
