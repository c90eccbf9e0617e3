#ifndef ORCH_RUN_H
#define ORCH_RUN_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Running child processes. Every child gets its own process group, a
 * timeout, and is killed as a group (SIGTERM, then SIGKILL after a grace
 * period) on timeout or when we are interrupted. Data goes in through the
 * environment, never pasted into a shell string.
 */
struct orch_run_opts {
	const char *const *argv;	/* spawned with execvp, or ... */
	const char *shell_command;	/* ... run by /bin/sh -c (policy commands only) */
	const char *const *env;		/* extra "NAME=value" entries, NULL-terminated */
	int scrub_git_env;		/* drop GIT_DIR, GIT_INDEX_FILE, ... first */
	const char *cwd;
	unsigned timeout_ms;		/* 0 means the default of 10 minutes */
	int stdin_fd;			/* -1: /dev/null */
	int tee_fd;			/* -1: none; else output is copied there live */
	const char *tee_prefix;		/* put before every line copied to tee_fd */
	size_t keep;			/* bytes of output to keep (the tail); 0: 64 KiB */
};

#define ORCH_RUN_OPTS_INIT { .stdin_fd = -1, .tee_fd = -1 }

struct orch_run_result {
	int started;		/* 0: could not start; start_error says why */
	int exit_code;		/* valid when exited */
	int exited;
	int signal;		/* valid when killed by a signal we did not send */
	int timed_out;
	int interrupted;	/* we got SIGINT/SIGTERM/SIGHUP and stopped it */
	char start_error[256];
	double seconds;
	struct strbuf output;	/* the last `keep` bytes of stdout and stderr */
	int output_truncated;
};

void orch_run_result_release(struct orch_run_result *r);

/* Runs to the end; returns 0 if it ran and exited 0, else -1 (details in res). */
int orch_run(const struct orch_run_opts *o, struct orch_run_result *res);

/* One line describing how it ended: "exit status 1", "timed out after 5s", ... */
void orch_run_describe(const struct orch_run_result *r, unsigned timeout_ms, char *buf, size_t len);

/* The last `n` lines of the output. */
const char *orch_run_tail(const struct orch_run_result *r, int n);

/* Set when a signal that should stop us arrived during orch_run (0 if none). */
int orch_run_pending_signal(void);

#endif
