#ifndef ORCH_LANDING_H
#define ORCH_LANDING_H

#include <git2.h>

/*
 * Taking a merge back off its branch, from inside post-merge or
 * post-commit, without losing the person's uncommitted work.
 *
 * git's own tools do not fit there: `reset --keep` refuses because of the
 * stale MERGE_HEAD, `reset --merge` and `--hard` lose staged changes. So:
 * a safe checkout of the pre-merge tree (refusing, and touching nothing,
 * if an uncommitted change is in the way), then a compare-and-swap of the
 * branch ref from the merge to its new tip.
 */
enum orch_take_back {
	ORCH_TAKE_BACK_UNDO,	/* the branch goes back to where it was */
	ORCH_TAKE_BACK_REVERT,	/* a new commit on top restores the old tree */
};

/*
 * Takes merge `merge` (the tip of `branch`, a short name, checked out in
 * this work tree) back to the tree of `orig`. `why` goes into the reflog
 * and the revert message. On success the new tip is in *new_tip.
 * Returns 0 when done; 1 when nothing was changed because it could not be
 * done safely (the reason and the commands that fix it are printed);
 * -1 on an error (printed, with how to recover).
 */
int orch_take_back(git_repository *repo, enum orch_take_back how, const char *branch,
		   const git_oid *merge, const git_oid *orig, const char *why, git_oid *new_tip);

/*
 * Whether merge `merge` can still be taken back off `branch`: 1 when HEAD
 * is on the branch and the branch at the merge; 0 when the branch is at
 * `orig` already (an undo broken off after moving it; never when orig is
 * NULL); -1 when someone has moved on meanwhile, after saying so.
 */
int orch_take_back_in_place(git_repository *repo, const char *branch, const git_oid *merge, const git_oid *orig);

#endif
