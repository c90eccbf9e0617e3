#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkout-export.h"
#include "error.h"
#include "files.h"
#include "repo.h"
#include "run.h"
#include "server-refusal.h"
#include "server-test-command.h"
#include "strbuf.h"

int orch_server_test_command_run(git_repository *repo, const struct orch_policy *policy,
				 const struct orch_ref_update *u, int *refused)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	char *dir = orch_tmp_path("orch-hooks-server-test-XXXXXX");
	char *env[5] = { NULL };
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1], why[300];
	int made = 0, ret = -1;

	memset(&res, 0, sizeof(res));
	if (!mkdtemp(dir)) {
		orch_error("cannot make a directory to test '%s' in: %s", u->ref, strerror(errno));
		goto done;
	}
	made = 1;
	/* A private index, so nothing is written into the bare repository. */
	if (orch_commit_check_out_to(repo, &u->new_oid, dir) < 0)
		goto done;
	env[0] = xasprintf("ORCH_REF=%s", u->ref);
	env[1] = xasprintf("ORCH_OLD=%s", git_oid_tostr(old_hex, sizeof(old_hex), &u->old_oid));
	env[2] = xasprintf("ORCH_NEW=%s", git_oid_tostr(new_hex, sizeof(new_hex), &u->new_oid));
	env[3] = xasprintf("ORCH_BRANCH=%s", orch_server_branch_name(u->ref));
	o.shell_command = policy->server_test_command;
	o.env = (const char *const *)env;
	o.scrub_git_env = 1;
	o.cwd = dir;
	o.timeout_ms = policy->server_test_timeout * 1000u;
	orch_say("testing '%s' at %s: %s", orch_server_branch_name(u->ref), orch_short_oid(&u->new_oid),
		 policy->server_test_command);
	if (orch_run(&o, &res) == 0) {
		orch_say("tests passed on '%s' (%.1fs)", orch_server_branch_name(u->ref), res.seconds);
		ret = 0;
		goto done;
	}
	orch_run_describe(&res, o.timeout_ms, why, sizeof(why));
	orch_error("push to '%s' refused: the server's tests failed on %s (%s)", u->ref,
		   orch_short_oid(&u->new_oid), why);
	if (res.output.len) {
		const char *p = orch_run_tail(&res, 20);

		orch_say("  last lines of its output:");
		while (*p) {
			size_t n = strcspn(p, "\n");

			orch_say("  | %.*s", (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	orch_say("  fix the tests on a branch, have it reviewed, merge it and push again");
	*refused = 1;
	ret = 0;
done:
	if (made)
		orch_remove_dir(dir);
	orch_run_result_release(&res);
	for (made = 0; made < 4; made++)
		free(env[made]);
	free(dir);
	return ret;
}
