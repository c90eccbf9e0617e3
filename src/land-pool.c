#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "clock.h"
#include "error.h"
#include "land.h"
#include "land-pool.h"
#include "run.h"
#include "strbuf.h"

#define TAIL_LINES 20
#define TAIL_MAX 8192

struct runner {
	pid_t pid;		/* 0: a free slot */
	int fd;			/* what the runner reports, read here */
	size_t id;
	char *label;
	double started;
	double term_sent;	/* when we last asked it to stop (0: never) */
	struct strbuf report;
	int eof;
	int reaped;
	int status;
};

struct land_pool {
	struct runner *r;
	size_t max;
	unsigned heartbeat_s;
	double last_beat;
};

struct land_pool *land_pool_new(size_t max, unsigned heartbeat_s)
{
	struct land_pool *p = xcalloc(1, sizeof(*p));

	p->max = max ? max : 1;
	p->r = xcalloc(p->max, sizeof(*p->r));
	p->heartbeat_s = heartbeat_s;
	p->last_beat = orch_now();
	return p;
}

size_t land_pool_running(const struct land_pool *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->max; i++)
		n += p->r[i].pid != 0;
	return n;
}

size_t land_pool_room(const struct land_pool *p)
{
	return p->max - land_pool_running(p);
}

static const char *exit_word(const struct orch_run_result *res, char *buf, size_t len)
{
	if (!res->started)
		return "not started";
	if (res->timed_out)
		return "timeout";
	if (res->interrupted)
		return "interrupted";
	if (res->signal)
		snprintf(buf, len, "signal %d", res->signal);
	else
		snprintf(buf, len, "%d", res->exit_code);
	return buf;
}

/* The runner: one orch_run, its outcome written to `fd` as lines, then the output's tail. */
static void runner_main(int fd, const struct land_pool_job *job, pid_t parent)
{
	struct orch_run_opts ro = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	struct strbuf sb = STRBUF_INIT;
	char how[320], word[64];
	const char *tail;
	int passed;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
#else
	(void)parent;
#endif
	ro.shell_command = job->shell_command;
	ro.env = job->env;
	ro.scrub_git_env = 1;	/* a suite that makes repositories must not act on this one */
	ro.cwd = job->cwd;
	ro.timeout_ms = job->timeout_ms;
	passed = orch_run(&ro, &res) == 0;
	orch_run_describe(&res, ro.timeout_ms, how, sizeof(how));
	tail = orch_run_tail(&res, TAIL_LINES);
	if (strlen(tail) > TAIL_MAX)
		tail += strlen(tail) - TAIL_MAX;
	strbuf_addf(&sb, "%d\n%d\n%s\n%s\n%.3f\n%s", passed, res.interrupted, exit_word(&res, word, sizeof(word)),
		    how, res.seconds, tail);
	xwrite_all(fd, sb.buf, sb.len);
	_exit(0);
}

int land_pool_start(struct land_pool *p, const struct land_pool_job *job)
{
	struct runner *r = NULL;
	int fds[2];
	pid_t pid, self = getpid();
	size_t i;

	for (i = 0; i < p->max && !r; i++)
		if (!p->r[i].pid)
			r = &p->r[i];
	if (!r)
		return orch_error("no room to start the test of %s", job->label);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return orch_error("cannot make a pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return orch_error("cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		runner_main(fds[1], job, self);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->fd = fds[0];
	r->id = job->id;
	r->label = xstrdup(job->label);
	r->started = orch_now();
	strbuf_init(&r->report);
	return 0;
}

static void ask_to_stop(struct runner *r, double t)
{
	/* Again every half second: a runner that had not set up its handler yet must hear it too. */
	if (r->pid && !r->reaped && (!r->term_sent || t - r->term_sent >= 0.5)) {
		kill(r->pid, SIGTERM);
		r->term_sent = t;
	}
}

void land_pool_cancel(struct land_pool *p, size_t id)
{
	size_t i;

	for (i = 0; i < p->max; i++)
		if (p->r[i].pid && p->r[i].id == id)
			ask_to_stop(&p->r[i], orch_now());
}

/* Reads what the runners wrote, and reaps what ended (a runner, or an orphan handed to us). */
static void collect(struct land_pool *p, int wait_ms)
{
	struct pollfd pfd[64];
	size_t i, n = 0, map[64];
	pid_t pid;
	int st;

	for (i = 0; i < p->max && n < 64; i++)
		if (p->r[i].pid && !p->r[i].eof) {
			pfd[n].fd = p->r[i].fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			map[n++] = i;
		}
	if (poll(pfd, (nfds_t)n, wait_ms) > 0)
		for (i = 0; i < n; i++) {
			struct runner *r = &p->r[map[i]];
			char buf[4096];
			ssize_t got;

			while ((got = read(r->fd, buf, sizeof(buf))) > 0)
				strbuf_add(&r->report, buf, (size_t)got);
			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
				r->eof = 1;
		}
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (i = 0; i < p->max; i++)
			if (p->r[i].pid == pid) {
				p->r[i].reaped = 1;
				p->r[i].status = st;
			}
}

/* Turns a finished runner's report into a result and frees its slot. */
static void conclude(struct runner *r, struct land_pool_done *out)
{
	char *lines[5], *s = (char *)strbuf_str(&r->report), *save = NULL;
	int i, ok = WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;

	memset(out, 0, sizeof(*out));
	out->id = r->id;
	for (i = 0; i < 5 && ok; i++) {
		lines[i] = strtok_r(i ? NULL : s, "\n", &save);
		ok = lines[i] != NULL;
	}
	if (ok) {
		out->passed = !strcmp(lines[0], "1");
		/* Stopped by a signal (ours, or Ctrl-C): that says nothing about the tree. */
		out->stopped = !strcmp(lines[1], "1");
		snprintf(out->exit, sizeof(out->exit), "%s", lines[2]);
		snprintf(out->how, sizeof(out->how), "%s", lines[3]);
		out->seconds = strtod(lines[4], NULL);
		out->tail = xstrdup(save ? save : "");
	} else {
		out->stopped = r->term_sent != 0 || !WIFEXITED(r->status);
		snprintf(out->exit, sizeof(out->exit), "not started");
		snprintf(out->how, sizeof(out->how), "the test runner ended without a result");
		out->seconds = orch_now() - r->started;
		out->tail = xstrdup("");
	}
	close(r->fd);
	strbuf_release(&r->report);
	free(r->label);
	memset(r, 0, sizeof(*r));
}

/* A runner that closed its pipe is about to be reaped: look again soon. */
static int ended_unreaped(const struct land_pool *p)
{
	size_t i;

	for (i = 0; i < p->max; i++)
		if (p->r[i].pid && p->r[i].eof && !p->r[i].reaped)
			return 1;
	return 0;
}

static void heartbeat(struct land_pool *p, double t)
{
	size_t i;

	if (!p->heartbeat_s || t - p->last_beat < p->heartbeat_s)
		return;
	p->last_beat = t;
	for (i = 0; i < p->max; i++)
		if (p->r[i].pid)
			orch_say("[%.0fs] testing %s", t - p->r[i].started, p->r[i].label);
}

int land_pool_wait(struct land_pool *p, struct land_pool_done *out, int (*stop)(void))
{
	size_t i;

	for (;;) {
		double t = orch_now();

		if (!land_pool_running(p))
			return 0;
		for (i = 0; i < p->max; i++) {
			struct runner *r = &p->r[i];

			if (r->pid && r->eof && r->reaped) {
				conclude(r, out);
				return 1;
			}
			if (r->pid && (r->term_sent || (stop && stop())))
				ask_to_stop(r, t);
		}
		heartbeat(p, t);
		collect(p, ended_unreaped(p) ? 10 : 200);
	}
}

void land_pool_free(struct land_pool *p)
{
	struct land_pool_done d;
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->max; i++)
		if (p->r[i].pid)
			ask_to_stop(&p->r[i], orch_now());
	while (land_pool_wait(p, &d, NULL) == 1)
		free(d.tail);
	free(p->r);
	free(p);
}
