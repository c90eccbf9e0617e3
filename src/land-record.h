#ifndef ORCH_LAND_RECORD_H
#define ORCH_LAND_RECORD_H

#include <git2.h>

#include "policy.h"

/*
 * The test record of a prefix merge `land -j` tested in a worktree of its
 * own, in the test gate's format (src/test-record.h): on the merge commit,
 * and a PASS also on its tree ([test] reuse), so no land tests that tree
 * with that command again. `merged` is the branch tip the merge brought.
 */
struct land_record_result {
	int passed;
	const char *exit;	/* the record's Exit: 0, 1, timeout, ... */
	double seconds;
	const char *action;	/* none, or reused */
	const char *body;	/* the output's last lines, or NULL */
};

/* Returns 0, or -1 (reported: then nothing counts as recorded). */
int land_record_test(git_repository *repo, const struct orch_policy *policy, const char *onto,
		     const git_oid *merge, const git_oid *merged, const struct land_record_result *res);

#endif
