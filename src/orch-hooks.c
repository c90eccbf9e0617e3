/* orch-hooks: the command people and agents run. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "repo.h"
#include "strbuf.h"

static const struct orch_cmd *const commands[] = {
	&orch_cmd_install,
	&orch_cmd_uninstall,
	&orch_cmd_policy,
	&orch_cmd_verdict,
	&orch_cmd_land,
	&orch_cmd_status,
	&orch_cmd_log,
	&orch_cmd_review,
	&orch_cmd_sync,
	&orch_cmd_recover,
	&orch_cmd_test,
	&orch_cmd_push,
	&orch_cmd_doctor,
	&orch_cmd_hook,
};

#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

/*
 * The hook programs' directory relative to this program's own: when
 * pkglibexecdir and bindir share the exec prefix (../libexec/orch-hooks
 * by default), or NULL.
 */
static const char *libexec_relative(void)
{
	static const char libexec[] = PKGLIBEXECDIR;
	size_t n = strlen(EXEC_PREFIX);

	if (strncmp(libexec, EXEC_PREFIX "/", n + 1) || strcmp(BINDIR, EXEC_PREFIX "/bin"))
		return NULL;
	return &libexec[n + 1];
}

/*
 * The installed hooks beside this program, found through /proc/self/exe,
 * so that a moved prefix or a DESTDIR staging tree works without any
 * variable; NULL when they are not there (a build tree, say).
 */
static char *libexec_beside_self(void)
{
	char exe[PATH_MAX], *slash, *dir, *gate;
	const char *rel = libexec_relative();
	ssize_t n;
	int ok;

	if (!rel || (n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	dir = xasprintf("%s/../%s", exe, rel);
	gate = xasprintf("%s/orch-hooks-gate", dir);
	ok = access(gate, X_OK) == 0;
	free(gate);
	if (ok)
		return dir;
	free(dir);
	return NULL;
}

const char *orch_libexecdir(void)
{
	static char *beside;
	static int looked;
	const char *env = getenv("ORCH_HOOKS_LIBEXECDIR");

	if (env && *env)
		return env;
	if (!looked) {
		beside = libexec_beside_self();
		looked = 1;
	}
	return beside ? beside : PKGLIBEXECDIR;
}

char *orch_hook_program(const char *name)
{
	return xasprintf("%s/%s", orch_libexecdir(), strcmp(name, "pre-receive") ? name : "orch-hooks-gate");
}

int orch_cmd_setup(struct orch_cmd_ctx *ctx)
{
	unsigned flags = ctx->cmd->flags;

	if (ctx->setup)
		return ctx->setup < 0 ? -1 : 0;
	ctx->setup = -1;
	if (flags & (ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY)) {
		if (orch_repo_open_path(&ctx->repo, NULL) < 0)
			return -1;
		ctx->commondir = orch_repo_commondir(ctx->repo);
	}
	if (flags & ORCH_CMD_NEEDS_POLICY) {
		ctx->policy = xmalloc(sizeof(*ctx->policy));
		orch_policy_init(ctx->policy);
		if (orch_policy_load(ctx->policy, ctx->commondir) < 0)
			return -1;
	}
	ctx->setup = 1;
	return 0;
}

static void cmd_ctx_release(struct orch_cmd_ctx *ctx)
{
	if (ctx->policy)
		orch_policy_release(ctx->policy);
	free(ctx->policy);
	free(ctx->commondir);
	git_repository_free(ctx->repo);
}

static void help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: orch-hooks <command> [<args>]\n\n"
		   "Lets parallel branches land on a protected branch only through gates:\n"
		   "a reviewer's PASS verdict (a git note) and the test gate.\n\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\n'orch-hooks help <command>' describes a command, its options and exit statuses;\n"
		   "man orch-hooks, orch-hooks.ini(5) and orch-hooks-gates(7) say more.\n");
}

static const struct orch_cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i]->name))
			return commands[i];
	return NULL;
}

static int run_command(const struct orch_cmd *cmd, int argc, char **argv)
{
	struct orch_cmd_ctx ctx = ORCH_CMD_CTX_INIT(cmd);
	int rc;

	if (orch_libgit2_init() < 0)
		return ORCH_EXIT_FATAL;
	rc = cmd->fn(argc, argv, &ctx);
	cmd_ctx_release(&ctx);
	orch_libgit2_shutdown();
	return rc;
}

/* "orch-hooks help CMD" is "orch-hooks CMD --help": the command's own option table answers. */
static int help_command(const char *name)
{
	const struct orch_cmd *cmd = find_command(name);
	char *argv[] = { (char *)name, (char *)"--help", NULL };

	if (!cmd) {
		orch_error("'%s' is not an orch-hooks command; see 'orch-hooks --help'", name);
		return ORCH_EXIT_USAGE;
	}
	return run_command(cmd, 2, argv);
}

int main(int argc, char **argv)
{
	const struct orch_cmd *cmd;

	if (argc < 2) {
		help(stderr);
		return ORCH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		if (argc > 2 && !strcmp(argv[1], "help"))
			return help_command(argv[2]);
		help(stdout);
		return ORCH_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("orch-hooks %s\nReport bugs to: %s\nHome page: %s\n", PACKAGE_VERSION,
		       PACKAGE_BUGREPORT, PACKAGE_URL);
		return ORCH_EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		orch_error("'%s' is not an orch-hooks command; see 'orch-hooks --help'", argv[1]);
		return ORCH_EXIT_USAGE;
	}
	return run_command(cmd, argc - 1, argv + 1);
}
