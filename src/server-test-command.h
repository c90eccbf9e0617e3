#ifndef ORCH_SERVER_TEST_COMMAND_H
#define ORCH_SERVER_TEST_COMMAND_H

#include <git2.h>

#include "policy.h"
#include "receive-lines.h"

/*
 * [server] test_command: runs on a private checkout of the new tip of `u`
 * (nothing is written into the bare repository), with ORCH_REF, ORCH_OLD,
 * ORCH_NEW and ORCH_BRANCH set, under [server] test_timeout. A failure is
 * printed with the tail of its output and sets *refused. 0, or -1 when the
 * tests cannot be run (reported).
 */
int orch_server_test_command_run(git_repository *repo, const struct orch_policy *policy,
				 const struct orch_ref_update *u, int *refused);

#endif
