#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "run.h"

extern char **environ;

#define DEFAULT_TIMEOUT_MS (10u * 60 * 1000)
#define DEFAULT_KEEP (64 * 1024)

/* The hook environment git hands us; a child must not act on it. */
static const char *const git_env_vars[] = {
	"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH", "GIT_PREFIX",
	"GIT_REFLOG_ACTION", "GIT_COMMON_DIR", "GIT_NAMESPACE",
	"GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_EDITOR", "GIT_PUSH_OPTION_COUNT",
	"GIT_EXEC_PATH", NULL
};

static int self_pipe[2] = { -1, -1 };
static volatile sig_atomic_t pending_signal;

int orch_run_pending_signal(void)
{
	return pending_signal;
}

static void on_signal(int sig)
{
	int saved = errno;

	if (sig != SIGCHLD)
		pending_signal = sig;
	if (self_pipe[1] >= 0) {
		ssize_t w = write(self_pipe[1], "x", 1);
		(void)w;
	}
	errno = saved;
}

void orch_run_result_release(struct orch_run_result *r)
{
	strbuf_release(&r->output);
}

/* entry is NAME=...: `name_len` bytes of name, then '='. */
static int name_matches(const char *entry, const char *name, size_t name_len)
{
	return entry[0] == name[0] && !strncmp(entry, name, name_len) && entry[name_len] == '=';
}

/*
 * Called for every inherited variable (a hook's environment holds dozens),
 * so the cheap tests come first: only GIT_* can be git's, and an explicit
 * setting's name length is worked out once (env_len).
 */
static int is_scrubbed(const char *entry, const struct orch_run_opts *o, const size_t *env_len)
{
	size_t i;

	if (o->scrub_git_env && starts_with(entry, "GIT_")) {
		for (i = 0; git_env_vars[i]; i++)
			if (name_matches(entry, git_env_vars[i], strlen(git_env_vars[i])))
				return 1;
		if (starts_with(entry, "GIT_PUSH_OPTION_"))
			return 1;
	}
	/* An explicit setting replaces the inherited one. */
	for (i = 0; o->env && o->env[i]; i++)
		if (env_len[i] && name_matches(entry, o->env[i], env_len[i]))
			return 1;
	return 0;
}

/* Builds the child's environment in the parent, before fork. */
static char **build_env(const struct orch_run_opts *o)
{
	size_t n = 0, extra = 0, i, k = 0;
	size_t *env_len;
	char **envp;

	while (environ[n])
		n++;
	while (o->env && o->env[extra])
		extra++;
	/* An explicit setting's name length; 0 (never matches) for one without '='. */
	env_len = xcalloc(extra + 1, sizeof(*env_len));
	for (i = 0; i < extra; i++) {
		const char *eq = strchr(o->env[i], '=');

		env_len[i] = eq ? (size_t)(eq - o->env[i]) : 0;
	}
	envp = xcalloc(n + extra + 1, sizeof(*envp));
	for (i = 0; i < n; i++)
		if (!is_scrubbed(environ[i], o, env_len))
			envp[k++] = environ[i];
	for (i = 0; i < extra; i++)
		envp[k++] = (char *)o->env[i];
	envp[k] = NULL;
	free(env_len);
	return envp;
}

static void keep_tail(struct orch_run_result *r, size_t keep)
{
	if (r->output.len <= keep * 2)
		return;
	/* Amortised: trim to `keep` only once twice that has piled up. */
	memmove(r->output.buf, r->output.buf + r->output.len - keep, keep);
	r->output.len = keep;
	r->output.buf[keep] = '\0';
	r->output_truncated = 1;
}

static void tee_out(const struct orch_run_opts *o, int *at_line_start, const char *p, size_t n)
{
	size_t i, start = 0;

	if (o->tee_fd < 0)
		return;
	if (!o->tee_prefix) {
		xwrite_all(o->tee_fd, p, n);
		return;
	}
	for (i = 0; i < n; i++) {
		if (*at_line_start) {
			xwrite_all(o->tee_fd, o->tee_prefix, strlen(o->tee_prefix));
			*at_line_start = 0;
		}
		if (p[i] == '\n') {
			xwrite_all(o->tee_fd, p + start, i + 1 - start);
			start = i + 1;
			*at_line_start = 1;
		}
	}
	if (start < n)
		xwrite_all(o->tee_fd, p + start, n - start);
}

static void child(const struct orch_run_opts *o, char **envp, int out_fd, int err_pipe, pid_t parent)
{
	int in_fd = o->stdin_fd;
	int e;

	setpgid(0, 0);
#ifdef __linux__
	/* Dies with us; the parent may have died between fork and prctl. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif
	signal(SIGXFSZ, SIG_DFL);	/* the hooks ignore it; their tests must not inherit that */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (in_fd < 0)
		in_fd = open("/dev/null", O_RDONLY);
	if (in_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		goto fail;
	if (o->cwd && chdir(o->cwd) < 0)
		goto fail;
	if (o->shell_command) {
		char *const sh[] = { (char *)"/bin/sh", (char *)"-c", (char *)o->shell_command, NULL };

		execve("/bin/sh", sh, envp);
	} else {
		execvpe(o->argv[0], (char *const *)o->argv, envp);
	}
fail:
	e = errno;
	{
		ssize_t w = write(err_pipe, &e, sizeof(e));
		(void)w;
	}
	_exit(127);
}

static void kill_group(pid_t pid, int sig)
{
	kill(-pid, sig);
	kill(pid, sig); /* in case setpgid had not happened yet */
}

/* Keeps 0, 1, 2 and `keep`: a lock or a pipe end held here would outlive us. */
static void close_other_fds(int keep)
{
	long max = sysconf(_SC_OPEN_MAX);
	int fd;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3, keep - 1, 0) == 0 &&
	    syscall(SYS_close_range, keep + 1, ~0U, 0) == 0)
		return;
#endif
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/*
 * The watchdog: a small process outside the child's group that waits on a
 * pipe only we write to. PR_SET_PDEATHSIG reaches the child alone, not what
 * it started; when we die (kill -9 included) the pipe reads end-of-file and
 * the watchdog kills the child's whole group. Told 'd', it just exits.
 * Returns its pid (the pipe's write end in *fd), or -1 (then there is none).
 */
static pid_t watchdog_start(int *fd)
{
	int p[2];
	pid_t pid;

	*fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		pid_t group = 0;
		char c = 0;
		ssize_t n;

		signal(SIGINT, SIG_IGN);	/* Ctrl-C is for the child; we only watch */
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		close(p[1]);
		close_other_fds(p[0]);
		while ((n = read(p[0], &group, sizeof(group))) < 0 && errno == EINTR)
			;
		if (n != (ssize_t)sizeof(group))
			_exit(0);
		while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (n <= 0 && group > 0)
			kill_group(group, SIGKILL);
		_exit(0);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -1;
	}
	*fd = p[1];
	return pid;
}

static void watchdog_stop(pid_t pid, int fd)
{
	if (fd >= 0) {
		xwrite_all(fd, "d", 1);
		close(fd);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/* What the wait loop knows about one running child. */
struct run_state {
	pid_t pid;
	int out_fd;		/* read end of the child's output pipe */
	int out_open;
	int at_line_start;	/* for tee_out's prefix */
	size_t keep;
	unsigned grace_ms;
	double deadline, kill_at;
	int status, reaped;
};

struct saved_signals {
	struct sigaction chld, intr, term, hup;
};

static void signals_catch(struct saved_signals *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	pending_signal = 0;
	sigaction(SIGCHLD, &sa, &old->chld);
	sigaction(SIGINT, &sa, &old->intr);
	sigaction(SIGTERM, &sa, &old->term);
	sigaction(SIGHUP, &sa, &old->hup);
}

static void signals_restore(const struct saved_signals *old)
{
	sigaction(SIGCHLD, &old->chld, NULL);
	sigaction(SIGINT, &old->intr, NULL);
	sigaction(SIGTERM, &old->term, NULL);
	sigaction(SIGHUP, &old->hup, NULL);
}

static unsigned kill_grace_ms(void)
{
	const char *grace_env = getenv("ORCH_HOOKS_KILL_GRACE_MS");

	if (grace_env && *grace_env)
		return (unsigned)strtoul(grace_env, NULL, 10);
	return 2000;
}

/*
 * Fork the child with the watchdog watching it. Returns 0 once the child
 * runs its program, -1 with res->start_error set when it could not.
 */
static int start_child(const struct orch_run_opts *o, char **envp, int out_pipe[2], int err_pipe[2],
		       int watchdog_fd, struct run_state *st, struct orch_run_result *res)
{
	pid_t self = getpid();
	int e;

	st->pid = fork();
	if (st->pid < 0) {
		snprintf(res->start_error, sizeof(res->start_error), "cannot fork: %s", strerror(errno));
		return -1;
	}
	if (st->pid == 0)
		child(o, envp, out_pipe[1], err_pipe[1], self);
	setpgid(st->pid, st->pid); /* races with the child's own call; either wins */
	xwrite_all(watchdog_fd, &st->pid, sizeof(st->pid));
	close(out_pipe[1]);
	out_pipe[1] = -1;
	close(err_pipe[1]);
	err_pipe[1] = -1;
	if (read(err_pipe[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		snprintf(res->start_error, sizeof(res->start_error), "cannot run '%s': %s",
			 o->shell_command ? "/bin/sh" : o->argv[0], strerror(e));
		waitpid(st->pid, NULL, 0);
		return -1;
	}
	return 0;
}

static void take_output(const struct orch_run_opts *o, struct run_state *st, struct orch_run_result *res,
			const char *buf, size_t n)
{
	strbuf_add(&res->output, buf, n);
	tee_out(o, &st->at_line_start, buf, n);
	keep_tail(res, st->keep);
}

/* On a signal or past the deadline, TERM the group; after the grace, KILL it. */
static void escalate(struct run_state *st, struct orch_run_result *res, double t)
{
	if (pending_signal && !res->interrupted && !res->timed_out) {
		res->interrupted = 1;
		kill_group(st->pid, SIGTERM);
		st->kill_at = t + st->grace_ms / 1000.0;
	}
	if (!res->interrupted && !res->timed_out && t >= st->deadline) {
		res->timed_out = 1;
		kill_group(st->pid, SIGTERM);
		st->kill_at = t + st->grace_ms / 1000.0;
	}
	if (st->kill_at && t >= st->kill_at) {
		kill_group(st->pid, SIGKILL);
		st->kill_at = 0;
	}
}

/* Has the child exited? If so, collect what it left and reap it; returns 1. */
static int reap_if_exited(const struct orch_run_opts *o, struct run_state *st, struct orch_run_result *res)
{
	siginfo_t si;

	/* Look without reaping, so its group id stays ours. */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)st->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid != st->pid)
		return 0;
	/* Kill what is left of the group first: a leftover background
	 * child holding the pipe, or one that keeps writing to it, must
	 * not keep us waiting. Then take what output is already there,
	 * a bounded amount (a child that left the group may still write). */
	kill_group(st->pid, SIGKILL);
	if (st->out_open) {
		char buf[8192];
		size_t drained = 0;
		ssize_t n;

		fcntl(st->out_fd, F_SETFL, O_NONBLOCK);
		/* More than any pipe holds: all that the group wrote. */
		while (drained < 16u * 1024 * 1024 && (n = read(st->out_fd, buf, sizeof(buf))) > 0) {
			take_output(o, st, res, buf, (size_t)n);
			drained += (size_t)n;
		}
	}
	waitpid(st->pid, &st->status, 0);
	st->reaped = 1;
	return 1;
}

static int poll_timeout_ms(const struct run_state *st, const struct orch_run_result *res, double t)
{
	int wait_ms;

	if (st->kill_at)
		wait_ms = (int)((st->kill_at - t) * 1000) + 1;
	else if (!res->timed_out && !res->interrupted)
		wait_ms = (int)((st->deadline - t) * 1000) + 1;
	else
		wait_ms = 100;
	if (wait_ms > 1000)
		wait_ms = 1000; /* a SIGCHLD lost to a race costs at most a second */
	return wait_ms;
}

/* Wait for output, a signal or the next deadline. Returns -1 when poll fails. */
static int wait_for_event(const struct orch_run_opts *o, struct run_state *st, struct orch_run_result *res,
			  double t)
{
	struct pollfd pfd[2];
	int nfds = 1;

	/* poll leaves revents alone when a signal interrupts it. */
	memset(pfd, 0, sizeof(pfd));
	pfd[0].fd = self_pipe[0];
	pfd[0].events = POLLIN;
	if (st->out_open) {
		pfd[1].fd = st->out_fd;
		pfd[1].events = POLLIN;
		nfds = 2;
	}
	if (poll(pfd, (nfds_t)nfds, poll_timeout_ms(st, res, t)) < 0 && errno != EINTR)
		return -1;
	if (pfd[0].revents & POLLIN) {
		char drain[64];

		while (read(self_pipe[0], drain, sizeof(drain)) > 0)
			;
	}
	if (nfds == 2 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
		char buf[8192];
		ssize_t n = read(st->out_fd, buf, sizeof(buf));

		if (n > 0)
			take_output(o, st, res, buf, (size_t)n);
		else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			st->out_open = 0;
	}
	return 0;
}

static void finish_result(const struct orch_run_opts *o, const struct run_state *st,
			  struct orch_run_result *res)
{
	size_t keep = st->keep;

	if (!st->at_line_start && o->tee_fd >= 0)
		xwrite_all(o->tee_fd, "\n", 1);
	if (st->reaped) {
		if (WIFEXITED(st->status)) {
			res->exited = 1;
			res->exit_code = WEXITSTATUS(st->status);
		} else if (WIFSIGNALED(st->status)) {
			res->signal = WTERMSIG(st->status);
		}
	}
	if (res->output.len > keep) {
		memmove(res->output.buf, res->output.buf + res->output.len - keep, keep);
		res->output.len = keep;
		res->output.buf[keep] = '\0';
		res->output_truncated = 1;
	}
}

int orch_run(const struct orch_run_opts *o, struct orch_run_result *res)
{
	struct saved_signals old;
	unsigned timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	double start = orch_now();
	struct run_state st = {
		.pid = -1,
		.out_fd = -1,
		.at_line_start = 1,
		.keep = o->keep ? o->keep : DEFAULT_KEEP,
		.grace_ms = kill_grace_ms(),
		.deadline = start + timeout_ms / 1000.0,
	};
	char **envp = NULL;
	pid_t watchdog = -1;
	int watchdog_fd = -1;

	memset(res, 0, sizeof(*res));
	strbuf_init(&res->output);
	if (pipe2(self_pipe, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0 ||
	    pipe2(err_pipe, O_CLOEXEC) < 0) {
		snprintf(res->start_error, sizeof(res->start_error), "cannot make a pipe: %s", strerror(errno));
		goto cleanup;
	}
	signals_catch(&old);

	envp = build_env(o);
	fflush(NULL);
	watchdog = watchdog_start(&watchdog_fd);
	if (watchdog < 0) {
		snprintf(res->start_error, sizeof(res->start_error), "cannot start a watchdog: %s",
			 strerror(errno));
		goto restore;
	}
	if (start_child(o, envp, out_pipe, err_pipe, watchdog_fd, &st, res) < 0)
		goto restore;
	res->started = 1;
	st.out_fd = out_pipe[0];
	st.out_open = 1;

	for (;;) {
		double t = orch_now();

		escalate(&st, res, t);
		if (reap_if_exited(o, &st, res))
			break;
		if (wait_for_event(o, &st, res, t) < 0)
			break;
	}
	finish_result(o, &st, res);

restore:
	watchdog_stop(watchdog, watchdog_fd);
	signals_restore(&old);
cleanup:
	res->seconds = orch_now() - start;
	free(envp);
	if (self_pipe[0] >= 0) close(self_pipe[0]);
	if (self_pipe[1] >= 0) close(self_pipe[1]);
	self_pipe[0] = self_pipe[1] = -1;
	if (out_pipe[0] >= 0) close(out_pipe[0]);
	if (out_pipe[1] >= 0) close(out_pipe[1]);
	if (err_pipe[0] >= 0) close(err_pipe[0]);
	if (err_pipe[1] >= 0) close(err_pipe[1]);
	return res->started && res->exited && res->exit_code == 0 && !res->timed_out &&
	       !res->interrupted ? 0 : -1;
}

void orch_run_describe(const struct orch_run_result *r, unsigned timeout_ms, char *buf, size_t len)
{
	if (!r->started)
		snprintf(buf, len, "%s", r->start_error);
	else if (r->timed_out)
		snprintf(buf, len, "timed out after %.0fs and was killed", timeout_ms / 1000.0);
	else if (r->interrupted)
		snprintf(buf, len, "interrupted (signal %d) and was killed", orch_run_pending_signal());
	else if (r->signal)
		snprintf(buf, len, "killed by signal %d (%s)", r->signal, strsignal(r->signal));
	else if (r->exit_code == 127)
		snprintf(buf, len, "exit status 127 (command not found?)");
	else if (r->exit_code == 126)
		snprintf(buf, len, "exit status 126 (command not executable?)");
	else
		snprintf(buf, len, "exit status %d", r->exit_code);
}

const char *orch_run_tail(const struct orch_run_result *r, int n)
{
	const char *s = strbuf_str(&r->output);
	size_t i = r->output.len;

	while (i && s[i - 1] == '\n')
		i--;
	while (i > 0) {
		if (s[i - 1] == '\n' && --n == 0)
			break;
		i--;
	}
	return s + i;
}
