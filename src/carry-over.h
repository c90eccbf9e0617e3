#ifndef ORCH_CARRY_OVER_H
#define ORCH_CARRY_OVER_H

#include <stddef.h>

#include <git2.h>

/*
 * Verdicts that survive a pure rebase (issue 15, point 8). A branch that
 * was rebased onto a newer target and carries the same changes as the
 * reviewed one has, commit for commit and in the same order, the same
 * patch-ids as the reviewed commits (`git patch-id --stable`; libgit2's
 * git_diff_patchid computes the same). Anything else -- a commit changed,
 * added, dropped, squashed, reordered, or a merge inside the series -- is
 * not a pure rebase and needs a new review.
 *
 * Patch-ids ignore white space and line numbers, which a rebase never
 * changes but an edit can (Python's indentation, a hunk moved to another
 * place with the same context). So the new tip's tree must also be what
 * the reviewed changes give when merged onto the new base: the same rule
 * the server holds merges to (automerge.h). A rebase that needed a conflict
 * resolved fails that too: the resolution is new code.
 *
 * The series of a commit is its first-parent history from its merge base
 * with the target, oldest first. Every gate that accepts a carried verdict
 * (through trust.c) and `review`, which writes one, call
 * orch_carry_over_compare, so they cannot disagree.
 */

/*
 * The patch-ids of the commits of `tip` not in `target` (first parents,
 * oldest first); an empty commit's is the zero id (git prints none).
 * Returns 0; 1 when the series is not one a verdict can be carried over for
 * (a merge or a root commit inside it, or no commits); -1 on an error
 * (reported). *out is freed by the caller.
 */
int orch_patch_id_series(git_repository *repo, const git_oid *tip, const git_oid *target, git_oid **out,
			 size_t *n);

struct orch_carry {
	int holds;		/* 1: `tip` is a pure rebase of `reviewed` */
	char *why;		/* when it does not: for people */
	git_oid reviewed_base;	/* where the reviewed series starts (when known) */
	git_oid base;		/* where the new series starts (when known) */
	size_t nr;		/* commits in the series (when it holds) */
};

#define ORCH_CARRY_INIT { 0, NULL, { { 0 } }, { { 0 } }, 0 }

void orch_carry_release(struct orch_carry *c);

/*
 * Is `tip` a pure rebase of the reviewed commit `reviewed`, both measured
 * against `target`? Fills out; returns 0, or -1 on an error (reported).
 * A commit is never a carry-over of itself: that is a plain verdict.
 */
int orch_carry_over_compare(git_repository *repo, const git_oid *reviewed, const git_oid *tip,
			    const git_oid *target, struct orch_carry *out);

/* 1 when it holds, 0 when not, -1 on an error (reported). */
int orch_carry_over_check(git_repository *repo, const git_oid *reviewed, const git_oid *tip,
			  const git_oid *target);

#endif
