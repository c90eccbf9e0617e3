#ifndef ORCH_LOCAL_STATE_H
#define ORCH_LOCAL_STATE_H

#include <stddef.h>

#include <git2.h>

/*
 * The person's local state at one moment, kept as two trees in the object
 * database: the index, and the work tree as `git add --all` would stage it
 * (tracked files as they are, untracked files included, ignored files not).
 * The test gate takes it before the tests run, so that an undo can put back
 * exactly that, whatever the tests wrote afterwards.
 */
struct orch_local_state {
	int taken;
	git_oid index_tree;
	git_oid work_tree;
};

/* Takes the state of this work tree (runs git); -1 (reported) on error. */
int orch_local_state_take(git_repository *repo, struct orch_local_state *out);

/* 1 when index and work tree were both exactly `tree` (nothing staged, dirty or untracked). */
int orch_local_state_matches_tree(const struct orch_local_state *s, const git_oid *tree);

#endif
