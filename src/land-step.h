#ifndef ORCH_LAND_STEP_H
#define ORCH_LAND_STEP_H

#include <git2.h>

/*
 * The git commands `land` runs, and what a Ctrl-C does to each. A merge's
 * tests run inside git's post-merge hook, two processes below us; the
 * test gate stops its tests on SIGINT and then takes the merge back with
 * signals ignored. So the signal must reach the hook (not just us), only
 * once, and nothing may kill the hook after it: we wait until every
 * process of the command's group is gone, undo included. Clean-up steps
 * are never cut in half: they finish, then land stops.
 */
enum land_step_mode {
	LAND_STEP_MERGE,	/* pass Ctrl-C on once the merge commit exists (HEAD left `orig`) */
	LAND_STEP_SHIELD,	/* let the command finish; land stops after it */
	LAND_STEP_PASS_ON,	/* pass Ctrl-C on at once (the command stops cleanly by itself) */
};

struct land_step {
	const char *const *argv;
	enum land_step_mode mode;
	unsigned timeout_s;		/* then SIGTERM, and SIGKILL after a grace period */
	git_repository *repo;		/* LAND_STEP_MERGE: where HEAD is watched */
	const git_oid *orig;		/* LAND_STEP_MERGE: HEAD before the merge */
	const char *what;		/* heartbeat text: "'feat' onto 'main' (2/5)"; NULL: none */
	unsigned heartbeat_s;
};

#define LAND_STEP_INIT { .argv = NULL, .mode = LAND_STEP_SHIELD, .timeout_s = 600 }

/* Runs the command (its output on stderr); returns its exit status, or -1 if it did not exit 0..255. */
int land_step_run(const struct land_step *s);

/* Catches SIGINT, SIGTERM and SIGHUP for the whole land run. */
void land_signals_setup(void);

/* The signal that asked land to stop, or 0. */
int land_interrupted(void);

#endif
