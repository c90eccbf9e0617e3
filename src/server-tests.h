#ifndef ORCH_SERVER_TESTS_H
#define ORCH_SERVER_TESTS_H

#include <git2.h>

#include "policy.h"
#include "receive-lines.h"

/*
 * [server] require_tests: the server gate's check of CI's test records.
 * Every new tip of a protected branch needs a PASS test record for exactly
 * its tree, signed by a key of [server] test_signers, read from the tests
 * notes as they will be after the push (the pushed tests notes commit when
 * the push updates the tests ref, else the server's). The tests ref may
 * only fast-forward and never be deleted: records only grow.
 *
 * Prints every reason and sets *refused to 1 when the push must be
 * refused. Returns 0, or -1 when it cannot decide (printed; refuse too).
 */
int orch_server_tests_check(git_repository *repo, const struct orch_policy *policy,
			    const struct orch_ref_updates *updates, int *refused);

#endif
