/* orch-hooks recover: finish an undo of the test gate that was broken off (a kill, a full disk). */
#include "config.h"

#include <string.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "parse-options.h"
#include "repo.h"
#include "undo.h"

static int cmd_recover(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	git_repository *repo = NULL;
	int resumed = 0, ret = 128, nargs;
	const struct orch_option options[] = {
		OPT_EXITS("0 the broken-off undo was finished, or there was none"),
		OPT_END(),
	};

	nargs = orch_parse_options(argc, argv, options, &orch_cmd_recover);
	if (nargs < 0)
		return ORCH_EXIT_USAGE;
	if (nargs > 0)
		return orch_usage(&orch_cmd_recover);
	if (orch_libgit2_init() < 0)
		return 128;
	if (orch_repo_open_env(&repo) < 0)
		goto done;
	if (orch_undo_resume(repo, &resumed) < 0)
		goto done;
	if (!resumed)
		orch_say("nothing to recover: no undo of the test gate was broken off here");
	ret = 0;
done:
	git_repository_free(repo);
	orch_libgit2_shutdown();
	return ret;
}

/* No flags: it opens the repository as the hooks do (orch_repo_open_env) and needs no policy. */
ORCH_CMD_DEFINE(recover, 0, "recover",
		"finish an undo of the test gate that was broken off (killed, or the disk was full)");
