#ifndef ORCH_UNDO_H
#define ORCH_UNDO_H

#include <git2.h>

#include "local-state.h"
#include "strbuf.h"

/*
 * Taking a merge back after its tests failed, from inside post-merge or
 * post-commit, to exactly the local state the person had before the tests
 * ran (struct orch_local_state): staged, unstaged and untracked work as it
 * was, moved from the merge back onto the commit before it. What the tests
 * wrote is set aside under refs/orch/test-leftovers/<merge>, not left behind.
 *
 * Each undo is written down first (GIT_DIR/orch-hooks-undo) and done in
 * steps that can be repeated: the branch moves back (compare-and-swap), the
 * saved work tree and index are written. An undo broken off half-way (a
 * kill, a full disk) is finished by the next gate or `orch-hooks recover`.
 */
struct orch_undo_result {
	struct strbuf conflicts;	/* paths where the person's own work meets the merge */
	struct strbuf ignored;		/* paths the merge brought that are ignored files again */
	char *leftovers;		/* the ref holding what the tests wrote, or NULL */
	int broken_off;			/* started but not finished */
	int journaled;			/* ... and the journal to finish it is there */
};

#define ORCH_UNDO_RESULT_INIT { .conflicts = STRBUF_INIT, .ignored = STRBUF_INIT }

/* An undo worked out before the tests run (and written down, while the disk still has room). */
/* What an undo is about to do, written down first so that the next gate can finish it. */
struct orch_undo_journal {
	int undoing;		/* 0: armed before the tests, nothing done yet */
	char branch[256];
	git_oid merge, orig, index_tree, work_tree;
};

struct orch_undo {
	struct orch_undo_journal j;
	struct orch_local_state before;
	int ready, journaled;
};

/*
 * Works out the undo of `merge` to `orig` that restores `before`, and
 * writes its journal, marked "armed". Returns 0, 1 when the person's own
 * work meets the merge (res->conflicts), -1 on an error (reported).
 */
int orch_undo_prepare(git_repository *repo, const char *branch, const git_oid *merge, const git_oid *orig,
		      const struct orch_local_state *before, struct orch_undo *out, struct orch_undo_result *res);

/* The tests passed: the prepared undo is dropped with its journal. */
void orch_undo_disarm(git_repository *repo, struct orch_undo *u);

/* Does the prepared undo: 0 done, -1 (reported; see res->broken_off). */
int orch_undo_run(git_repository *repo, struct orch_undo *u, const char *why, struct orch_undo_result *res);

void orch_undo_result_release(struct orch_undo_result *r);

/*
 * Undoes `merge` (the tip of `branch`, checked out here) back to `orig`,
 * restoring `before` (taken on the merge). Returns 0 when done; 1 when
 * nothing was changed because the person's own work would be lost (the
 * paths are in res->conflicts); -1 on an error (reported; res->broken_off
 * says whether the next gate has something to finish).
 */
int orch_undo_merge(git_repository *repo, const char *branch, const git_oid *merge, const git_oid *orig,
		    const struct orch_local_state *before, const char *why, struct orch_undo_result *res);

/*
 * The paths `merge` brought that the ignore rules in force cover: where git's
 * merge overwrote any ignored file of the person's own, before any hook ran.
 */
int orch_undo_overwritten_ignored(git_repository *repo, const git_oid *merge, const git_oid *orig,
				  struct strbuf *out);

/* Puts back `before` (taken with HEAD at `head`) without moving any branch. */
int orch_undo_restore_state(git_repository *repo, const git_oid *head, const struct orch_local_state *before);

/*
 * Finishes an undo that was broken off, if the journal says there is one.
 * Returns 0 (nothing to do, or finished; *resumed says which), -1 when it
 * cannot be finished (reported).
 */
int orch_undo_resume(git_repository *repo, int *resumed);

#endif
