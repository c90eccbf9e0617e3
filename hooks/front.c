/*
 * The light front end: every installed hook is this program (a copy under
 * the hook's name). Without libgit2 (loading it costs more than a commit
 * itself) it decides whether there is anything to check, and only then
 * hands over to orch-hooks-gate, installed once beside it, with the same
 * arguments.
 *
 * On a branch the policy does not protect, no hook has anything to check
 * (the gate returns at once there too), so none is handed over; when the
 * branch cannot be told for certain, or the policy does not load, it is.
 * pre-merge-commit, post-merge: otherwise always handed over.
 *
 * prepare-commit-msg: nothing to check unless a merge or squash is in
 * progress. A merge that pre-merge-commit approved a moment ago (its stamp
 * names the same heads and the same pre-merge HEAD) is trusted: the front
 * end leaves the test gate its marker and returns.
 * post-commit: nothing to do unless prepare-commit-msg left the marker.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "handoff.h"
#include "head-unprotected.h"
#include "hook.h"
#include "hooks.h"
#include "strbuf.h"

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

static int chained_hook_exists(const char *argv0, const char *name)
{
	char *dir = dir_of(argv0), *path = xasprintf("%s/%s.orch-chained", dir, name);
	int r = access(path, F_OK) == 0;

	free(path);
	free(dir);
	return r;
}

static int hand_over(char **argv, const char *hook)
{
	char *dir = dir_of(argv[0]), *gate = xasprintf("%s/%s", dir, ORCH_GATE_PROGRAM);

	setenv(ORCH_GATE_HOOK_ENV, hook, 1);
	/* argv[0] stays the hook's path: the gate picks the hook by it. */
	execv(gate, argv);
	orch_error("cannot run '%s' (%s): the gate cannot decide, so it refuses; "
		   "reinstall with 'orch-hooks install'", gate, strerror(errno));
	free(gate);
	free(dir);
	return 1;
}

static const char *const hook_names[] = { "pre-merge-commit", "prepare-commit-msg", "post-merge",
					   "post-commit", NULL };

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	char *gitdir, *name;
	const char *hook = NULL;
	size_t i;
	int protected = 0, quiet;

	(void)argc;
	base = base ? base + 1 : argv[0];
	/* The hook's name without any suffix a wrapper gave it ("post-commit.real"). */
	name = xstrndup(base, strcspn(base, "."));
	for (i = 0; hook_names[i]; i++)
		if (!strcmp(name, hook_names[i]))
			hook = hook_names[i];
	quiet = hook && chained_hook_exists(argv[0], name);
	free(name);
	if (!hook) {
		orch_error("'%s' is not a hook orch-hooks knows: the gate cannot decide, so it refuses; "
			   "reinstall with 'orch-hooks install'", base);
		return 1;
	}
	if (quiet || getenv("ORCH_HOOKS_SKIP"))
		return hand_over(argv, hook);

	gitdir = orch_hook_git_dir();
	if (!strcmp(hook, "post-commit")) {
		quiet = !orch_handoff_exists(gitdir, ORCH_HANDOFF_MARKER);
	} else if (!strcmp(hook, "prepare-commit-msg")) {
		int merging = orch_hook_git_file_exists(gitdir, "MERGE_HEAD");

		quiet = !merging && !orch_hook_git_file_exists(gitdir, "SQUASH_MSG");
		if (merging && orch_handoff_stamp_take(gitdir, &protected))
			quiet = !protected || orch_handoff_marker_from_merge_head(gitdir) == 0;
		else if (!quiet)
			quiet = orch_head_certainly_unprotected(gitdir);
	} else {
		quiet = orch_head_certainly_unprotected(gitdir);
		/* post-merge takes the marker, as the gate would: it is for this merge only. */
		if (quiet && !strcmp(hook, "post-merge"))
			orch_handoff_remove(gitdir, ORCH_HANDOFF_MARKER);
	}
	free(gitdir);
	return quiet ? 0 : hand_over(argv, hook);
}
