/* orch-hooks: the command people and agents run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "repo.h"

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
	&orch_cmd_push,
	&orch_cmd_doctor,
	&orch_cmd_hook,
};

#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

const char *orch_libexecdir(void)
{
	const char *env = getenv("ORCH_HOOKS_LIBEXECDIR");

	return env && *env ? env : PKGLIBEXECDIR;
}

int orch_usage(const struct orch_cmd *cmd)
{
	fprintf(stderr, "usage: orch-hooks %s\n", cmd->usage);
	return 2;
}

static void help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: orch-hooks <command> [<args>]\n\n"
		   "Lets parallel branches land on a protected branch only through gates:\n"
		   "a reviewer's PASS verdict (a git note) and the test gate.\n\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\n'orch-hooks <command> -h' shows a command's usage.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("orch-hooks %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i]->name))
			continue;
		if (argc > 2 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
			printf("usage: orch-hooks %s\n\n%s\n", commands[i]->usage, commands[i]->summary);
			return 0;
		}
		if (orch_libgit2_init() < 0)
			return 128;
		rc = commands[i]->fn(argc - 1, argv + 1);
		orch_libgit2_shutdown();
		return rc;
	}
	orch_error("'%s' is not an orch-hooks command; see 'orch-hooks --help'", argv[1]);
	return 2;
}
