#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
#include "land-step.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	if (!got_signal)
		got_signal = sig;
}

void land_signals_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
#ifdef PR_SET_CHILD_SUBREAPER
	/* A hook whose git died (Ctrl-C) becomes our child, so we can wait for its undo. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
}

int land_interrupted(void)
{
	return got_signal;
}

static void nap(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static void child(const struct land_step *s)
{
	int devnull = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	/*
	 * A merge ignores Ctrl-C from the start (git and its hooks inherit that):
	 * a SIGINT landing on post-merge before its first line ran would kill it
	 * and leave the merge untested. The test gate's orch_run catches SIGINT
	 * while the tests run and hands it to them; land keeps sending it.
	 */
	signal(SIGINT, s->mode == LAND_STEP_MERGE ? SIG_IGN : SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	/* stdout is for land's own report (--json): git's chatter goes to stderr. */
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(2, 1) < 0)
		_exit(127);
	execvp(s->argv[0], (char *const *)s->argv);
	orch_error("cannot run '%s': %s", s->argv[0], strerror(errno));
	_exit(127);
}

static int merge_commit_exists(const struct land_step *s)
{
	git_oid head;

	return git_reference_name_to_id(&head, s->repo, "HEAD") == 0 && !git_oid_equal(&head, s->orig);
}

/* Should the pending Ctrl-C go to the command now? */
static int pass_on_now(const struct land_step *s)
{
	if (s->mode == LAND_STEP_PASS_ON)
		return 1;
	return s->mode == LAND_STEP_MERGE && merge_commit_exists(s);
}

static void heartbeat(const struct land_step *s, double started)
{
	const char *phase = s->mode == LAND_STEP_MERGE && merge_commit_exists(s) ? "testing" : "merging";

	orch_say("[%.0fs] %s %s", orch_now() - started, phase, s->what);
}

static unsigned grace_ms(void)
{
	const char *e = getenv("ORCH_HOOKS_KILL_GRACE_MS");

	return e && *e ? (unsigned)strtoul(e, NULL, 10) : 2000;
}

/* Reaps whatever ended (our command, or an orphaned hook handed to us). */
static void reap(pid_t pid, int *status, int *reaped)
{
	pid_t p;
	int st;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == pid) {
			*status = st;
			*reaped = 1;
		}
}

int land_step_run(const struct land_step *s)
{
	double started = orch_now(), last_beat = started, deadline = started + s->timeout_s, kill_at = 0;
	double passed_at = 0;
	int status = 0, reaped = 0, passed_on = 0, timed_out = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return orch_error("cannot fork: %s", strerror(errno));
	if (pid == 0)
		child(s);
	setpgid(pid, pid);
	/* Until the command and everything left in its group (a hook finishing an undo) is gone. */
	for (;;) {
		double t = orch_now();

		reap(pid, &status, &reaped);
		if (reaped && kill(-pid, 0) < 0 && errno == ESRCH)
			break;
		/* A merge's group ignores SIGINT but while its tests run: say it again until they hear it. */
		if (got_signal && !reaped && (!passed_on || (s->mode == LAND_STEP_MERGE && t - passed_at >= 0.5)) &&
		    pass_on_now(s)) {
			kill(-pid, SIGINT);
			passed_on = 1;
			passed_at = t;
		}
		if (!timed_out && t >= deadline) {
			orch_error("'%s' did not finish within %us; stopping it", s->argv[0], s->timeout_s);
			kill(-pid, SIGTERM);
			timed_out = 1;
			kill_at = t + grace_ms() / 1000.0;
		}
		if (kill_at && t >= kill_at) {
			kill(-pid, SIGKILL);
			kill_at = 0;
		}
		if (s->what && s->heartbeat_s && t - last_beat >= s->heartbeat_s) {
			heartbeat(s, started);
			last_beat = t;
		}
		nap();
	}
	if (timed_out || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
