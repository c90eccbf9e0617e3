#ifndef ORCH_LAND_ADVANCE_H
#define ORCH_LAND_ADVANCE_H

#include <git2.h>

/*
 * Moves the target branch, checked out in this work tree, from `from` to
 * `to` (a descendant: the tested prefix merge) in one step: one safe
 * checkout of the new tree over the old one, then a compare-and-swap of
 * the branch ref. If the branch is no longer at `from` (someone committed
 * or landed meanwhile), nothing is changed and nothing of theirs is
 * overwritten. Returns 0 when moved; 1 when the target moved meanwhile or
 * changes in the work tree are in the way (reported, nothing changed);
 * -1 on an error (reported).
 */
int land_advance(git_repository *repo, const char *onto, const git_oid *from, const git_oid *to, const char *why);

#endif
