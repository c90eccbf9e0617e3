/* orch-hooks recover: finish an undo of the test gate that was broken off (a kill, a full disk). */
#include "config.h"

#include <string.h>

#include "cmd.h"
#include "error.h"
#include "repo.h"
#include "undo.h"

static int cmd_recover(int argc, char **argv)
{
	git_repository *repo = NULL;
	int resumed = 0, ret = 128;

	if (argc > 1 && strcmp(argv[1], "--"))
		return orch_usage(&orch_cmd_recover);
	(void)argv;
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

const struct orch_cmd orch_cmd_recover = {
	"recover", "recover",
	"finish an undo of the test gate that was broken off (killed, or the disk was full)", cmd_recover,
};
