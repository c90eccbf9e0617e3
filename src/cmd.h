#ifndef ORCH_CMD_H
#define ORCH_CMD_H

#include <git2.h>

#include "policy.h"

/*
 * One file per subcommand, each exporting a struct orch_cmd. Commands
 * return their exit status (src/exit-codes.h): 0 success, 1 a gate or
 * check said no (some commands tell kinds of "no" apart), 128 an error,
 * 129 bad usage, 130 interrupted. Options are parsed with
 * src/parse-options.h; "orch-hooks help CMD" runs "CMD --help".
 *
 * A command's flags say what it works on, as git.c's RUN_SETUP: the
 * repository around the cwd and its policy. The dispatcher (orch-hooks.c)
 * hands each command a struct orch_cmd_ctx; a command with flags parses its
 * options and checks its operands first, so that --help and usage errors
 * (129) need no repository, then calls orch_cmd_setup(ctx), which opens
 * what the flags ask for once. The dispatcher frees it when the command
 * returns. Commands whose repository is not simply the cwd's (a DIR
 * operand, an optional one, the hook's environment, land's own state) have
 * no flags, open their own and say why at their ORCH_CMD_DEFINE.
 */
struct orch_cmd_ctx;

enum {
	ORCH_CMD_NEEDS_REPO = 1 << 0,	/* the repository containing the cwd */
	ORCH_CMD_NEEDS_POLICY = 1 << 1,	/* its policy (implies the repository) */
};

struct orch_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	unsigned flags;
	int (*fn)(int argc, char **argv, struct orch_cmd_ctx *ctx);
};

/* What orch_cmd_setup opened for the command: NULL for what it did not ask for. */
struct orch_cmd_ctx {
	const struct orch_cmd *cmd;
	git_repository *repo;
	char *commondir;
	struct orch_policy *policy;
	int setup;		/* 0 not yet, 1 done, -1 failed */
};

#define ORCH_CMD_CTX_INIT(cmd_) { .cmd = (cmd_), .repo = NULL, .commondir = NULL, .policy = NULL, .setup = 0 }

/*
 * Opens what the command's flags ask for: 0, or -1 after saying why (the
 * command then returns ORCH_EXIT_FATAL). A second call answers the same.
 */
int orch_cmd_setup(struct orch_cmd_ctx *ctx);

/*
 * Defines orch_cmd_NAME, run by the file's cmd_NAME(), the command's name
 * written once: ORCH_CMD_DEFINE(sync, ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY,
 * "sync [REMOTE]", "share verdicts ...");
 */
#define ORCH_CMD_DEFINE(name_, flags_, usage_, summary_) \
	const struct orch_cmd orch_cmd_##name_ = { \
		.name = #name_, .usage = (usage_), .summary = (summary_), .flags = (flags_), .fn = cmd_##name_, \
	}

extern const struct orch_cmd orch_cmd_install;
extern const struct orch_cmd orch_cmd_uninstall;
extern const struct orch_cmd orch_cmd_policy;
extern const struct orch_cmd orch_cmd_verdict;
extern const struct orch_cmd orch_cmd_land;
extern const struct orch_cmd orch_cmd_status;
extern const struct orch_cmd orch_cmd_log;
extern const struct orch_cmd orch_cmd_review;
extern const struct orch_cmd orch_cmd_sync;
extern const struct orch_cmd orch_cmd_recover;
extern const struct orch_cmd orch_cmd_test;
extern const struct orch_cmd orch_cmd_doctor;
extern const struct orch_cmd orch_cmd_hook;
extern const struct orch_cmd orch_cmd_push;

/*
 * The doctor's verdict on the repository at path (NULL: this one): 0 when
 * the gate is in force, 1 when some check failed (each problem is printed
 * unless quiet), 128 when it cannot look.
 */
int orch_doctor_run(const char *path, int quiet);

/*
 * Whether hook NAME in dir, which orch-hooks did not write, runs the gate:
 * it calls `orch-hooks hook NAME` itself, or it is a hook manager's and the
 * manager's configuration (found at the work tree's top) does; with
 * count_moved, also when the manager runs a copy of the gate it moved
 * aside. *manager names the manager, when known.
 */
int orch_doctor_hook_runs_gate(const char *dir, const char *name, const char *top, int count_moved,
			       const char **manager);

/* "usage: orch-hooks <usage>" on stderr; returns ORCH_EXIT_USAGE. */
int orch_usage(const struct orch_cmd *cmd);

/* Directory of the hook binaries ($ORCH_HOOKS_LIBEXECDIR overrides). */
const char *orch_libexecdir(void);
/*
 * The program in that directory that runs as hook `name` (caller frees):
 * the front end built under the hook's name, or for pre-receive the gate
 * itself, orch-hooks-gate.
 */
char *orch_hook_program(const char *name);

#endif
