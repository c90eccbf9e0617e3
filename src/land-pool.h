#ifndef ORCH_LAND_POOL_H
#define ORCH_LAND_POOL_H

#include <stddef.h>

/*
 * Up to N test commands at once for `land -j N`. Each runs under
 * orch_run() (its own process group, its timeout, killed with what it
 * started, dying with us) inside a small runner process of ours, so that
 * several can run while land waits for the first to end. Output is kept
 * (its tail), not shown: one progress line per running test is.
 */
struct land_pool_job {
	size_t id;			/* the caller's: which prefix */
	const char *shell_command;
	const char *cwd;
	const char *const *env;		/* "NAME=value", NULL-terminated */
	unsigned timeout_ms;
	const char *label;		/* progress: "'b3', prefix of 3" */
};

struct land_pool_done {
	size_t id;
	int passed;
	int stopped;		/* stopped by us (cancelled, Ctrl-C): says nothing about the tree */
	char how[320];		/* "exit status 1", "timed out after 5s and was killed" */
	char exit[64];		/* a test record's Exit: 0, 2, timeout, signal 9, not started */
	double seconds;
	char *tail;		/* the last lines of its output (caller frees) */
};

struct land_pool;

struct land_pool *land_pool_new(size_t max, unsigned heartbeat_s);

/* Starts one; -1 when it cannot (reported). There must be room (land_pool_room). */
int land_pool_start(struct land_pool *p, const struct land_pool_job *job);

size_t land_pool_room(const struct land_pool *p);
size_t land_pool_running(const struct land_pool *p);

/*
 * Waits until a test ends; its result in *out. Prints a progress line per
 * running test every heartbeat. `stop()` returning non-zero stops them all
 * (their results come back as stopped). Returns 1 with a result, 0 when none
 * is running.
 */
int land_pool_wait(struct land_pool *p, struct land_pool_done *out, int (*stop)(void));

/* Stops the test of job `id` (its result comes back as stopped). */
void land_pool_cancel(struct land_pool *p, size_t id);

/* Stops every test, waits for each, forgets them. */
void land_pool_free(struct land_pool *p);

#endif
