#ifndef ORCH_LAND_CI_H
#define ORCH_LAND_CI_H

#include "land.h"

/*
 * orch-hooks land --ci REMOTE: CI tests the merges instead of this machine.
 * The prefix merges of the queue (land-prefix.h: A, A+B, A+B+C, ...) are
 * pushed to refs/orch/candidates/ONTO/RUN/K on REMOTE in one atomic push;
 * CI tests each and pushes its signed test records to REMOTE's tests
 * notes (doc/ci.md). land fetches those notes until every candidate it
 * needs has a record, judges them as the server does (a PASS for exactly
 * the candidate's tree, signed by a key of [server] test_signers), and
 * pushes ONTO to the longest passing prefix in one atomic push with the
 * notes it judged. The candidate refs are deleted in every case (landed,
 * failed, timed out, interrupted). The work tree, the index, HEAD and the
 * local branches are never touched.
 *
 * Nothing lands on a timeout, on a fetch that never succeeds, or when the
 * records cannot be checked; exit statuses are land's (exit-codes.h), with
 * ORCH_LAND_CI_TIMEOUT when CI gave no answer in time.
 */
struct land_ci_opts {
	const char *remote;	/* a remote's name or a URL */
	unsigned timeout_s;	/* the longest wait for the records */
	unsigned poll_ms;	/* between two fetches of the records */
	int json;
};

#define LAND_CI_OPTS_INIT { .remote = NULL, .timeout_s = 3600, .poll_ms = 2000, .json = 0 }

/* l->st holds the queue (branch names) and l->st.onto the target. Returns the exit status. */
int land_ci_run(struct lander *l, const struct land_ci_opts *o);

#endif
