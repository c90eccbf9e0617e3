#ifndef ORCH_CARRY_OVER_H
#define ORCH_CARRY_OVER_H

#include <stddef.h>

#include <git2.h>

/*
 * Verdicts that survive a pure rebase (issue 15, point 8): the building
 * block only, not wired into any gate yet. A branch that was rebased onto
 * a newer target and carries the same changes as the reviewed one has,
 * commit for commit and in the same order, the same patch-ids as the
 * reviewed commits (`git patch-id --stable`; libgit2's git_diff_patchid
 * computes the same). Anything else -- a commit changed, added, dropped,
 * squashed, reordered, or a merge inside the series -- is not a pure
 * rebase and needs a new review.
 *
 * The series of a commit is its first-parent history from its merge base
 * with the target, oldest first. Both the gate that accepts a carried-over
 * verdict and the server that checks one call orch_carry_over_check, so
 * they cannot disagree.
 */

/*
 * The patch-ids of the commits of `tip` not in `target` (first parents,
 * oldest first). Returns 0; 1 when the series is not one a verdict can be
 * carried over for (a merge or a root commit inside it, or no commits);
 * -1 on an error (reported). *out is freed by the caller.
 */
int orch_patch_id_series(git_repository *repo, const git_oid *tip, const git_oid *target, git_oid **out,
			 size_t *n);

/*
 * 1 when `tip` is a pure rebase of the reviewed commit `reviewed` (both
 * measured against `target`), 0 when it is not, -1 on an error (reported).
 * A commit is never a carry-over of itself: that is a plain verdict.
 */
int orch_carry_over_check(git_repository *repo, const git_oid *reviewed, const git_oid *tip,
			  const git_oid *target);

#endif
