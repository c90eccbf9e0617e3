/*
 * orch-hooks hook NAME [ARGS...]: runs the installed gate for one hook, with
 * its arguments and standard input passed through. The stable entry point
 * for hook managers (pre-commit, husky, lefthook) and gitolite: their own
 * configuration names this command, so the manager's re-install, which
 * rewrites the files in the hooks directory, cannot drop the gate.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "parse-options.h"
#include "strbuf.h"

static const char *const gate_hooks[] = { "pre-merge-commit", "prepare-commit-msg", "post-merge",
					   "post-commit", "pre-receive", NULL };

static int known_hook(const char *name)
{
	size_t i;

	for (i = 0; gate_hooks[i]; i++)
		if (!strcmp(name, gate_hooks[i]))
			return 1;
	return 0;
}

/*
 * gitolite's own configuration repository is pushed to by its admin, and
 * a policy protecting "master" there would lock the admin out of gitolite.
 * gitolite-shell names the repository in GL_REPO; nobody else sets it.
 */
static int gitolite_admin_push(const char *name)
{
	const char *repo = getenv("GL_REPO"), *base;
	char buf[4096], cwd[4096];

	if (strcmp(name, "pre-receive") || !repo || strcmp(repo, "gitolite-admin"))
		return 0;
	/*
	 * Over file:// the pusher's environment reaches the hook: GL_REPO
	 * alone must not switch the gate off. git runs pre-receive in the
	 * repository, which gitolite keeps as gitolite-admin.git.
	 */
	if (!getcwd(cwd, sizeof(cwd)))
		return 0;
	base = strrchr(cwd, '/') ? strrchr(cwd, '/') + 1 : cwd;
	if (strcmp(base, "gitolite-admin.git"))
		return 0;
	while (fread(buf, 1, sizeof(buf), stdin) > 0)
		; /* the ref lines are not ours to judge; read them so the writer never blocks */
	orch_say("gitolite-admin is gitolite's own configuration: the gate does not apply there");
	return 1;
}

static int cmd_hook(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	const char *name, *extra[2] = { NULL, NULL };
	char **args;
	char *path, *hook;
	int i, k = 0, stop = 1;
	const struct orch_option options[] = {
		OPT_EXITS("the exit status of the gate it runs; 1 when the gate cannot be run"),
		OPT_END(),
	};

	/*
	 * Only what comes before NAME is ours: git passes hook arguments
	 * that may start with '-', and they go to the gate untouched.
	 */
	while (stop < argc && argv[stop][0] == '-' && argv[stop][1] && strcmp(argv[stop], "--"))
		stop++;
	if (stop < argc && !strcmp(argv[stop], "--"))
		stop++;
	if (orch_parse_options(stop, argv, options, &orch_cmd_hook) < 0)
		return ORCH_EXIT_USAGE;
	argc -= stop - 1;
	argv += stop - 1;
	if (argc < 2)
		return orch_usage(&orch_cmd_hook);
	name = argv[1];
	if (!known_hook(name)) {
		orch_error("'%s' is not a hook of the gate; the gate's hooks are pre-merge-commit, "
			   "prepare-commit-msg, post-merge, post-commit and pre-receive", name);
		return orch_usage(&orch_cmd_hook);
	}
	if (gitolite_admin_push(name))
		return 0;
	/*
	 * pre-commit hands hook arguments other than the message file over in
	 * the environment: give them back their places.
	 */
	if (getenv("PRE_COMMIT") && !strcmp(name, "post-merge") && argc == 2)
		extra[0] = getenv("PRE_COMMIT_IS_SQUASH_MERGE");
	if (getenv("PRE_COMMIT") && !strcmp(name, "prepare-commit-msg") && argc == 3) {
		extra[0] = getenv("PRE_COMMIT_COMMIT_MSG_SOURCE");
		extra[1] = extra[0] ? getenv("PRE_COMMIT_COMMIT_OBJECT_NAME") : NULL;
	}
	/* argv[0] names the hook: the gate that pre-receive is picks the hook by it. */
	path = orch_hook_program(name);
	hook = xasprintf("%s/%s", orch_libexecdir(), name);
	args = xcalloc((size_t)argc + 3, sizeof(*args));
	args[k++] = hook;
	for (i = 2; i < argc; i++)
		args[k++] = argv[i];
	for (i = 0; i < 2 && extra[i]; i++)
		args[k++] = (char *)extra[i];
	fflush(NULL);
	execv(path, args);
	orch_error("cannot run the gate '%s' (%s): the gate cannot decide, so it refuses; "
		   "reinstall orch-hooks ('make install')", path, strerror(errno));
	free(args);
	free(hook);
	free(path);
	return 1;
}

/* No flags: it runs a gate program, which finds its repository itself (GIT_DIR, as git sets it). */
ORCH_CMD_DEFINE(hook, 0, "hook NAME [ARGS...]",
		"run the gate for hook NAME (for hook managers' and gitolite's configuration)");
