#ifndef ORCH_LAND_SCRATCH_H
#define ORCH_LAND_SCRATCH_H

#include <stddef.h>

#include <git2.h>

/*
 * The disposable worktrees `land -j` tests its prefix merges in:
 * $GIT_DIR/orch-hooks/spec/<n>, each a detached linked worktree (so git
 * commands in a test see the merge as HEAD), made without running any
 * hook and removed as soon as its test ended. While a land uses them, the
 * directory holds "owner" with its process id; a land that was killed
 * leaves them behind, and the next land (or --abort) removes them.
 */

/* Makes the worktree of `commit` for test n; its path in *out (caller frees). 0, or -1 (reported). */
int land_scratch_add(git_repository *repo, size_t n, const git_oid *commit, char **out);

/* Removes one (even with files the test wrote, even half made); never fails loudly. */
void land_scratch_remove(git_repository *repo, const char *path);

/*
 * Claims this worktree's scratch directory for this process, removing what
 * a killed land left first. Returns 0, or -1 when another running land
 * uses it (reported).
 */
int land_scratch_claim(git_repository *repo);

/* Removes every scratch worktree and the claim: the run is over. */
void land_scratch_release(git_repository *repo);

/* Removes what a killed land left behind (never what a running one uses), saying so. */
void land_scratch_tidy(git_repository *repo);

struct land_scratch_seen {
	char *path;
	long owner;		/* the running land that uses it, or 0: left over */
};

/*
 * Every scratch worktree of the repository (registered by git, or a
 * directory in this worktree's scratch area), for doctor and status.
 * Returns how many; *out is freed with land_scratch_seen_free.
 */
size_t land_scratch_list(git_repository *repo, struct land_scratch_seen **out);
void land_scratch_seen_free(struct land_scratch_seen *s, size_t n);

#endif
