#ifndef ORCH_LAND_REPORT_H
#define ORCH_LAND_REPORT_H

#include "land-state.h"

/*
 * What `land` prints on stdout when it stops: a table for people, or one
 * JSON object for programs (keys in doc/json.md).
 */
struct land_outcome {
	int exit_status;	/* src/exit-codes.h */
	const char *result;	/* landed, tests-failed, not-reviewed, conflict, unchanged, ... */
	const char *stopped_at;	/* the branch that stopped the run, or NULL */
	const char *reason;	/* one line, or NULL */
	unsigned jobs;		/* tests at once (-j; 1: one branch at a time) */
	long test_runs;		/* test commands land started itself (-j), or -1: the test gate ran them */
};

void land_report_table(const struct land_state *st);
void land_report_json(const struct land_state *st, const struct land_outcome *o);

#endif
