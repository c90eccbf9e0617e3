/*
 * pre-receive: the server gate of a shared bare repository. git runs it once
 * per push, with one "<old> <new> <ref>" line per ref on stdin, before any
 * ref moves and while the pushed objects are still in quarantine. A non-zero
 * exit rejects the whole push. The local skip switch does not apply here.
 * `pre-receive --config=FILE` (from a server's wrapper script) reads the
 * policy FILE instead of the repository's.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "hook.h"
#include "hooks.h"
#include "hook-repo.h"
#include "receive-lines.h"
#include "repo.h"
#include "server-env.h"
#include "server-gate.h"
#include "strbuf.h"

int orch_hook_pre_receive(int argc, char **argv)
{
	struct orch_ref_updates updates = ORCH_REF_UPDATES_INIT;
	struct strbuf input = STRBUF_INIT;
	struct orch_hook_ctx ctx;
	const char *config;
	char *err = NULL;
	int rc = 1, opened = 0;

	orch_server_forget_pusher_settings();
	/*
	 * A server's wrapper script may name a shared policy: git runs the hook
	 * without arguments, so unlike the environment, argv is the server's.
	 */
	if (argc > 1 && skip_prefix(argv[1], "--config=", &config)) {
		setenv("ORCH_HOOKS_CONFIG", config, 1);
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	/* All of stdin: the order of the lines is the client's, so decide only after the last. */
	if (orch_read_fd(&input, 0, 0) < 0) {
		orch_error("cannot read the pushed refs from stdin: %s", strerror(errno));
		goto refuse;
	}
	rc = orch_hook_run_chained(argv[0], "pre-receive", argc, argv, strbuf_str(&input), input.len);
	if (rc)
		goto done;
	rc = 1;
	if (orch_ref_updates_parse(&updates, strbuf_str(&input), input.len, &err) < 0) {
		orch_error("cannot read what git says is pushed (%s)", err);
		goto refuse;
	}
	opened = 1;
	if (orch_hook_ctx_open(&ctx) < 0)
		goto refuse;
	orch_libgit2_server_opts();
	rc = orch_server_gate_check(ctx.repo, &ctx.policy, &updates);
	if (rc >= 0)
		goto done;
refuse:
	/* Fail closed: a gate that cannot decide says no. */
	orch_error("push refused: the server gate cannot decide; tell the repository's administrator");
	orch_say("the whole push was refused: no ref on the server changed");
	rc = 1;
done:
	if (opened)
		orch_hook_ctx_release(&ctx);
	free(err);
	orch_ref_updates_release(&updates);
	strbuf_release(&input);
	return rc ? 1 : 0;
}
