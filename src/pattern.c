#include "config.h"

#include <string.h>
#include <stdlib.h>

#include "pattern.h"
#include "policy.h"
#include "strbuf.h"

const char *orch_branch_short_name(const char *name)
{
	const char *branch;

	if (skip_prefix(name, "refs/heads/", &branch))
		return branch;
	if (starts_with(name, "refs/"))
		return NULL;
	return name;
}

int orch_pattern_is_literal(const char *pattern)
{
	return !strpbrk(pattern, "*?");
}

int orch_branch_is_protected(const struct orch_policy *policy, const char *branch)
{
	return branch && orch_patterns_match(&policy->protected, branch);
}

int orch_ref_is_protected_branch(const struct orch_policy *policy, const char *ref)
{
	return starts_with(ref, "refs/heads/") && orch_branch_is_protected(policy, ref);
}

/*
 * Glob with '*' (not across '/'), '**' (across '/'), '?' (not '/') and no
 * classes. Simulated as a set of pattern positions advanced one character
 * at a time, so the cost is at most len(pattern) * len(name): a recursive
 * matcher backtracks exponentially on patterns like "*a*a*a*a*b".
 */
enum { G_LIT, G_ANY, G_STAR, G_DSTAR };

struct gtok {
	unsigned char kind;
	char c;
};

static int glob(const char *p, const char *s)
{
	size_t plen = strlen(p), m = 0, i;
	struct gtok *tok = xmalloc((plen + 1) * sizeof(*tok));
	unsigned char *cur, *next;
	int ret;

	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			while (*p == '*')
				p++;
			tok[m++].kind = G_DSTAR;
		} else if (*p == '*') {
			p++;
			tok[m++].kind = G_STAR;
		} else {
			tok[m].kind = *p == '?' ? G_ANY : G_LIT;
			tok[m++].c = *p++;
		}
	}
	/* States 0..m: the tokens matched so far; m is a whole match. */
	cur = xcalloc(2 * (m + 1), 1);
	next = cur + m + 1;
	cur[0] = 1;
	for (;;) {
		/* A star may match nothing: what follows it is live too. */
		for (i = 0; i < m; i++)
			if (cur[i] && (tok[i].kind == G_STAR || tok[i].kind == G_DSTAR))
				cur[i + 1] = 1;
		if (!*s)
			break;
		memset(next, 0, m + 1);
		for (i = 0; i < m; i++) {
			if (!cur[i])
				continue;
			switch (tok[i].kind) {
			case G_LIT:
				if (tok[i].c == *s)
					next[i + 1] = 1;
				break;
			case G_ANY:
				if (*s != '/')
					next[i + 1] = 1;
				break;
			case G_STAR:
				if (*s != '/')
					next[i] = 1;
				break;
			case G_DSTAR:
				next[i] = 1;
				break;
			}
		}
		memcpy(cur, next, m + 1);
		s++;
	}
	ret = cur[m];
	free(cur);
	free(tok);
	return ret;
}

int orch_pattern_match(const char *pattern, const char *name)
{
	const char *p = orch_branch_short_name(pattern), *n = orch_branch_short_name(name);

	return p && n && glob(p, n);
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
		if (strpbrk(item, "\"'") || !valid_pattern(item) || !orch_branch_short_name(item)) {
			if (bad)
				*bad = strpbrk(item, "\"'") ?
				       "quotes are kept as part of the value: write the names bare "
				       "(protected = main, not \"main\")" :
				       !valid_pattern(item) ?
				       "a pattern holds a character git forbids in branch names" :
				       "a pattern names branches: a ref outside refs/heads/ never matches";
			free(item);
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
