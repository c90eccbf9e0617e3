#ifndef ORCH_PATTERN_H
#define ORCH_PATTERN_H

#include <stddef.h>

/*
 * A list of glob patterns over branch names such as main or release/STAR (STAR being *). Names and
 * patterns may be given as "refs/heads/x" or "x": both mean branch x. A '*'
 * does not cross a '/', as in git's own refspec globs; "**" does.
 */
struct orch_patterns {
	char **items;
	size_t nr;
};

#define ORCH_PATTERNS_INIT { NULL, 0 }

/* Splits on white space and commas; returns -1 (and sets *bad) on an invalid pattern. */
int orch_patterns_parse(struct orch_patterns *out, const char *list, const char **bad);
void orch_patterns_release(struct orch_patterns *p);
/* 1 if the branch (short or full ref name) matches any pattern. */
int orch_patterns_match(const struct orch_patterns *p, const char *branch);
/* Single pattern against a single short branch name. */
int orch_pattern_match(const char *pattern, const char *name);

#endif
