#ifndef ORCH_REVIEW_SELECT_H
#define ORCH_REVIEW_SELECT_H

#include <git2.h>

#include "policy.h"
#include "review.h"

/*
 * Fill reviews[0..*n) (room for nrevs, *n starting at 0) from the branches or
 * commits the person named: each commit once, with its merge base with the
 * target and, when carry is set, a verdict carried over from a pure rebase.
 * Every entry below *n is initialised, also after an error. -1 (reported) on error.
 */
int orch_review_select(git_repository *repo, const struct orch_policy *policy, const char *const *revs, int nrevs,
		       const git_oid *target_oid, int carry, struct orch_review *reviews, int *n);

#endif
