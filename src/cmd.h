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
 */
struct orch_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

/*
 * Defines orch_cmd_NAME, run by the file's cmd_NAME(), the command's name
 * written once: ORCH_CMD_DEFINE(sync, "sync [REMOTE]", "share verdicts ...");
 */
#define ORCH_CMD_DEFINE(name_, usage_, summary_) \
	const struct orch_cmd orch_cmd_##name_ = { \
		.name = #name_, .usage = (usage_), .summary = (summary_), .fn = cmd_##name_, \
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

/* What most commands work on: the repository around the cwd and its policy. */
struct orch_cmd_repo {
	git_repository *repo;
	char *commondir;
	struct orch_policy policy;
};

#define ORCH_CMD_REPO_INIT { .repo = NULL }

/*
 * Opens the repository containing the cwd and loads its policy: 0, or -1
 * after saying why. Release `r` either way (also safe when never opened).
 */
int orch_cmd_repo_open(struct orch_cmd_repo *r);
void orch_cmd_repo_release(struct orch_cmd_repo *r);

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
