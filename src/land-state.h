#ifndef ORCH_LAND_STATE_H
#define ORCH_LAND_STATE_H

#include <stddef.h>

#include <git2.h>

#include "note.h"

/*
 * The state of an `orch-hooks land` run, kept in the worktree's git
 * directory (orch-hooks-land) and rewritten after every step, so that a
 * crash, a conflict or a refused branch can be resumed with --continue.
 */
enum land_status {
	LAND_TODO,
	LAND_MERGING,		/* git merge started; the outcome is not known yet */
	LAND_LANDED,
	LAND_NOT_REVIEWED,	/* no valid PASS: stopped before merging */
	LAND_CONFLICT,		/* stopped in a conflicted merge */
	LAND_REFUSED,		/* the merge gate or git refused the merge */
	LAND_BROKE_TESTS,	/* merged, and the test gate undid (or reverted) it */
	LAND_SKIPPED,		/* dropped by --skip after it stopped the run */
	LAND_ALREADY,		/* its tip was already in the target: no merge, no test */
	LAND_REJECTED,		/* the reviewer said FAIL: stopped before merging */
	LAND_INTERRUPTED,	/* Ctrl-C: its merge was not kept (or never made) */
};

struct land_item {
	char *branch;
	enum land_status status;
	git_oid tip;		/* zero until known */
	git_oid merge;		/* the merge commit once landed */
	git_oid orig;		/* the target before this branch's merge */
	double seconds;
	char *verdict;		/* PASS, FAIL, stale, none, ... */
	char *tests;		/* PASS, FAIL, not run, ... */
	git_oid stop_head;	/* the target when this branch stopped the run (zero if not) */
	char *reason;		/* why it stopped, one line (NULL if it did not) */
	size_t prefix;		/* -j: how many merges the tested prefix held (0: not tested that way) */
};

struct land_state {
	char *onto;
	int delete_branches;
	unsigned review_jobs;	/* --review: reviewers at once; 0 without --review */
	unsigned jobs;		/* -j: tests at once; 0 or 1: one branch at a time */
	int keep_going;		/* --keep-going: a branch that breaks the tests is dropped, the rest go on */
	struct land_item *items;
	size_t nr;
};

const char *land_status_name(enum land_status s);

/* Did this branch stop the run (so --continue and --skip act on it)? */
int land_status_stops(enum land_status s);

/* The one-word verdict land and status print: PASS, FAIL, stale, none, untrusted, invalid. */
const char *land_verdict_word(enum orch_judgement k);

/* Path of the state file for the repository's current worktree (caller frees). */
char *land_state_path(git_repository *repo);

/* Returns 1 if loaded, 0 if there is none, -1 if it is unreadable (reported). */
int land_state_load(struct land_state *st, const char *path);
int land_state_save(const struct land_state *st, const char *path);
void land_state_release(struct land_state *st);

#endif
