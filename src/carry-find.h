#ifndef ORCH_CARRY_FIND_H
#define ORCH_CARRY_FIND_H

#include <git2.h>

#include "carry-over.h"
#include "policy.h"

/*
 * Finds the reviewed commit whose verdict `tip` may carry over
 * (carry-over.h), measured against `target`. The candidates are where a
 * rebase leaves the old tip: the reflog of `branch` (NULL or "": none),
 * then every commit with a verdict whose author (name, mail, time) is the
 * tip's, which a rebase keeps. A candidate counts when its verdict is a
 * valid PASS; one that is itself carried leads to the commit it came from.
 * Returns 1 with *from and *cmp set, 0 when there is none, -1 on an error
 * (reported).
 */
int orch_carry_over_find(git_repository *repo, const struct orch_policy *p, const char *branch,
			 const git_oid *tip, const git_oid *target, git_oid *from, struct orch_carry *cmp);

#endif
