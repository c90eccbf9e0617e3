#ifndef ORCH_EXIT_CODES_H
#define ORCH_EXIT_CODES_H

/*
 * Exit statuses shared by every command, as git uses them: a command's own
 * "no" answers are small numbers (documented per command in orch-hooks(1)),
 * the rest mean the same everywhere.
 */
#define ORCH_EXIT_OK 0
#define ORCH_EXIT_NO 1			/* a gate or check said no */
#define ORCH_EXIT_FATAL 128		/* could not do the job (an error was printed) */
#define ORCH_EXIT_USAGE 129		/* the command line was wrong */
#define ORCH_EXIT_INTERRUPTED 130	/* stopped by SIGINT */

/* land: why it stopped. */
#define ORCH_LAND_TESTS_FAILED 1	/* a merge broke the tests and was taken back */
#define ORCH_LAND_NOT_REVIEWED 2	/* a branch (or a merge's own changes) lacks a valid PASS */
#define ORCH_LAND_CONFLICT 3		/* a merge conflict */
#define ORCH_LAND_UNCHANGED 4		/* --continue with nothing changed since the stop */
#define ORCH_LAND_CI_TIMEOUT 5		/* land --ci: CI gave no result in time, nothing landed */

/* review: the worst verdict it recorded. */
#define ORCH_REVIEW_FAIL 1		/* some reviewer said FAIL */
#define ORCH_REVIEW_VOID 3		/* some review was void: run it again */

#endif
