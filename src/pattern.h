#ifndef ORCH_PATTERN_H
#define ORCH_PATTERN_H

#include <stddef.h>

/*
 * Branch patterns, the one definition ([branches] protected, status's
 * PATTERN arguments, the server gate and review all use this module).
 *
 *  - A pattern names branches: "main", "release/STAR" (STAR being *). Written
 *    "refs/heads/main" it means the same; a pattern is never matched against
 *    anything but a branch (tags, remote-tracking refs, notes never match).
 *  - '*' matches any run of characters except '/', as in git's refspec
 *    globs; "**" matches across '/'; '?' matches one character except '/'.
 *    There are no character classes.
 *  - A name given to match is a branch's short name ("main") or its full ref
 *    name ("refs/heads/main"); any other "refs/..." name is not a branch.
 *  - A list is separated by white space or commas. Characters git forbids
 *    in branch names, and quotes (inih keeps them as part of the value, so
 *    protected = "main" would protect a branch named "main" with its
 *    quotes), make the list invalid.
 */
struct orch_patterns {
	char **items;
	size_t nr;
};

#define ORCH_PATTERNS_INIT { .items = NULL }

/* Splits on white space and commas; returns -1 (and sets *bad) on an invalid pattern. */
int orch_patterns_parse(struct orch_patterns *out, const char *list, const char **bad);
void orch_patterns_release(struct orch_patterns *p);
/* 1 if the branch (short or full ref name) matches any pattern; 0 for a ref that is no branch. */
int orch_patterns_match(const struct orch_patterns *p, const char *branch);
/* Single pattern against a single branch name (short or full). */
int orch_pattern_match(const char *pattern, const char *name);

/* The short name of a branch: "refs/heads/x" and "x" give "x"; another "refs/..." ref gives NULL. */
const char *orch_branch_short_name(const char *name);
/* 1 if the pattern has no wildcard: it names exactly one branch (orch_branch_short_name of it). */
int orch_pattern_is_literal(const char *pattern);

/* Whether the policy protects a branch (short or full ref name): the one answer to "is it protected". */
struct orch_policy;
int orch_branch_is_protected(const struct orch_policy *policy, const char *branch);
/*
 * The same for a full ref name as a push names it: 1 only for a branch
 * ("refs/heads/...") the policy protects (the server gate's rule).
 */
int orch_ref_is_protected_branch(const struct orch_policy *policy, const char *ref);

#endif
