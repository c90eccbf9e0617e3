#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "automerge.h"
#include "checkout-export.h"
#include "clock.h"
#include "files.h"
#include "local-state.h"
#include "pattern.h"
#include "error.h"
#include "repo.h"
#include "review-verdict.h"
#include "review.h"
#include "review-view.h"
#include "run.h"

/* What a worker tells the parent about its reviewer, followed by the output. */
/* What the review's child process tells the parent through a pipe. */
struct report {
	struct orch_review_exit how;	/* the parent fills in timeout_secs and start_error */
	int interrupted, truncated;
	double seconds;
	char start_error[256];
	size_t output_len;
};

void orch_review_init(struct orch_review *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	strbuf_init(&r->report);
	strbuf_init(&r->output);
}

void orch_review_release(struct orch_review *r)
{
	free(r->name);
	free(r->branch);
	free(r->tmpdir);
	free(r->checkout);
	free(r->private_tmp);
	free(r->view);
	orch_snapshot_release(&r->before);
	orch_snapshot_release(&r->outside);
	orch_ref_moves_release(&r->refs);
	free(r->email);
	if (r->fd >= 0)
		close(r->fd);
	strbuf_release(&r->report);
	free(r->reason);
	free(r->body);
	strbuf_release(&r->output);
	orch_review_init(r);
}

/*
 * A merge commit is reviewed for what it adds to the automatic merge of its
 * parents: that tree is written, so `git diff "$ORCH_AUTOMERGE" "$ORCH_COMMIT"`
 * shows the reviewer exactly the hand-made part (with git's conflict
 * markers on the left where the automatic merge conflicts).
 */
static int automerge_of(git_repository *repo, const git_commit *commit, struct orch_review *r)
{
	struct orch_automerge_opts o = ORCH_AUTOMERGE_OPTS_INIT;
	struct orch_automerge m = ORCH_AUTOMERGE_INIT;
	git_oid parents[64];
	unsigned i, n = git_commit_parentcount(commit);

	if (n > 64)
		return 0;
	for (i = 0; i < n; i++)
		git_oid_cpy(&parents[i], git_commit_parent_id(commit, i));
	o.write = 1;
	if (orch_automerge_check(repo, parents, n, git_commit_tree_id(commit), &o, &m) < 0)
		return -1;
	if (m.has_tree) {
		git_oid_cpy(&r->automerge, &m.tree);
		r->has_automerge = 1;
	}
	orch_automerge_release(&m);
	return 0;
}

/* The review's directory: its checkout, and a private TMPDIR with a cache; its name makes the reviewer's e-mail. */
static int make_dirs(const struct orch_review_setup *s, struct orch_review *r)
{
	char *tmpl = xasprintf("%s/orch-review.XXXXXX", s->tmp_root), *cache;
	int ret = 0;

	if (!mkdtemp(tmpl)) {
		orch_error("cannot make a directory for the review in '%s': %s", s->tmp_root, strerror(errno));
		free(tmpl);
		return -1;
	}
	r->tmpdir = tmpl;
	r->checkout = xasprintf("%s/checkout", r->tmpdir);
	r->private_tmp = xasprintf("%s/tmp", r->tmpdir);
	r->email = xasprintf("%s@orch-hooks.invalid", strrchr(r->tmpdir, '/') + 1);
	cache = xasprintf("%s/cache", r->private_tmp);
	if (mkdir(r->checkout, 0700) < 0 || mkdir(r->private_tmp, 0700) < 0 || mkdir(cache, 0700) < 0)
		ret = orch_error("cannot make a directory in '%s': %s", r->tmpdir, strerror(errno));
	free(cache);
	return ret;
}

int orch_review_prepare(const struct orch_review_setup *s, struct orch_review *r)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int ret = -1;

	if (make_dirs(s, r) < 0)
		return -1;
	if (git_commit_lookup(&commit, s->repo, &r->commit) < 0 || git_commit_tree(&tree, commit) < 0) {
		orch_git_error("cannot read commit %s", orch_short_oid(&r->commit));
		goto done;
	}
	if (orch_tree_export(s->repo, tree, r->checkout) < 0 || orch_review_view_make(s, r) < 0)
		goto done;
	if (git_commit_parentcount(commit) > 1 && automerge_of(s->repo, commit, r) < 0)
		goto done;
	ret = 0;
done:
	git_tree_free(tree);
	git_commit_free(commit);
	return ret;
}

/* The reviewer under bubblewrap: everything read-only but its private temporary directory. */
static const char **bwrap_argv(const struct orch_review_setup *s, const struct orch_review *r)
{
	const char **argv = xcalloc(40, sizeof(*argv));
	int n = 0;

	argv[n++] = s->bwrap;
	argv[n++] = "--ro-bind"; argv[n++] = "/"; argv[n++] = "/";
	argv[n++] = "--dev"; argv[n++] = "/dev";
	argv[n++] = "--proc"; argv[n++] = "/proc";
	/*
	 * No tmpfs over /tmp: the repository, the checkout or the reviewer's own
	 * script may well live there, and would vanish behind it. /tmp stays
	 * read-only like everything else; TMPDIR is the private writable place.
	 */
	argv[n++] = "--bind"; argv[n++] = r->private_tmp; argv[n++] = r->private_tmp;
	/* Its own view is writable, so that a change there is seen (and voids the review). */
	argv[n++] = "--bind"; argv[n++] = r->view; argv[n++] = r->view;
	argv[n++] = "--unshare-all";
	argv[n++] = "--share-net";	/* a coding agent has to reach its model */
	argv[n++] = "--die-with-parent";
	argv[n++] = "--new-session";
	argv[n++] = "--chdir"; argv[n++] = r->checkout;
	argv[n++] = "/bin/sh"; argv[n++] = "-c"; argv[n++] = s->policy->review_command;
	argv[n] = NULL;
	return argv;
}

/* The worker: runs the reviewer, reports, and exits without touching libgit2. */
static void worker(const struct orch_review_setup *s, const struct orch_review *r, int out)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	struct report rep;
	char commit[GIT_OID_HEXSZ + 1], base[GIT_OID_HEXSZ + 1] = "", automerge[GIT_OID_HEXSZ + 1] = "";
	const char *env[18];
	int n = 0;

	git_oid_tostr(commit, sizeof(commit), &r->commit);
	if (r->has_base)
		git_oid_tostr(base, sizeof(base), &r->base);
	env[n++] = xasprintf("ORCH_BRANCH=%s", r->branch);
	env[n++] = xasprintf("ORCH_COMMIT=%s", commit);
	env[n++] = xasprintf("ORCH_TARGET=%s", s->target);
	env[n++] = xasprintf("ORCH_BASE=%s", base);
	if (r->has_automerge)
		git_oid_tostr(automerge, sizeof(automerge), &r->automerge);
	env[n++] = xasprintf("ORCH_AUTOMERGE=%s", automerge);
	env[n++] = xasprintf("ORCH_REPO=%s", r->view);
	env[n++] = xasprintf("ORCH_CHECKOUT=%s", r->checkout);
	env[n++] = xasprintf("TMPDIR=%s", r->private_tmp);
	/* Caches are its own and go with the review (under bwrap nothing else is writable). */
	env[n++] = xasprintf("XDG_CACHE_HOME=%s/cache", r->private_tmp);
	/* An identity of its own: a ref it moves through git says so in the reflog. */
	env[n++] = "GIT_AUTHOR_NAME=orch-hooks reviewer";
	env[n++] = xasprintf("GIT_AUTHOR_EMAIL=%s", r->email);
	env[n++] = "GIT_COMMITTER_NAME=orch-hooks reviewer";
	env[n++] = xasprintf("GIT_COMMITTER_EMAIL=%s", r->email);
	/* git run anywhere in the review's directory (the checkout, or the directory
	 * itself) must not find a repository above it: the ceiling is its parent. */
	env[n++] = xasprintf("GIT_CEILING_DIRECTORIES=%s:%s", r->tmpdir, s->tmp_root);
	env[n] = NULL;

	o.env = env;
	o.scrub_git_env = 1;
	o.cwd = r->checkout;
	o.timeout_ms = s->policy->review_timeout < UINT_MAX / 1000 ? s->policy->review_timeout * 1000u
								     : UINT_MAX;
	o.tee_fd = s->live_fd;
	if (s->bwrap)
		o.argv = bwrap_argv(s, r);
	else
		o.shell_command = s->policy->review_command;
	orch_run(&o, &res);

	memset(&rep, 0, sizeof(rep));
	rep.how.started = res.started;
	rep.how.exited = res.exited;
	rep.how.exit_code = res.exit_code;
	rep.how.signal = res.signal;
	rep.how.timed_out = res.timed_out;
	rep.interrupted = res.interrupted;
	rep.truncated = res.output_truncated;
	rep.seconds = res.seconds;
	memcpy(rep.start_error, res.start_error, sizeof(rep.start_error));
	rep.output_len = res.output.len;
	xwrite_all(out, &rep, sizeof(rep));
	xwrite_all(out, strbuf_str(&res.output), res.output.len);
	_exit(0);
}

int orch_review_start(const struct orch_review_setup *s, struct orch_review *r)
{
	sigset_t stop, old;
	pid_t pid, parent = getpid();
	int p[2];

	if (orch_review_view_snapshot(r, &r->before) < 0)
		return -1;
	/* Under bwrap it can write only its view and its temporary directory. */
	if (!s->bwrap && (orch_snapshot_take_outside(s->repo, s->policy, &r->commit, &r->outside) < 0 ||
			  orch_ref_moves_take(s->repo, &r->refs) < 0))
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return orch_error("cannot make a pipe: %s", strerror(errno));
	/* The worker must not run our handlers: block until it has its own. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
#ifdef __linux__
		/* If orch-hooks dies, its workers stop their reviewers instead of running on. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			raise(SIGTERM);
#endif
		close(p[0]);
		worker(s, r, p[1]);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return orch_error("cannot fork: %s", strerror(errno));
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	r->fd = p[0];
	r->worker = pid;
	r->started_at = orch_now();
	return 0;
}

int orch_review_read(struct orch_review *r)
{
	char buf[16384];
	ssize_t n;

	for (;;) {
		n = read(r->fd, buf, sizeof(buf));
		if (n > 0) {
			strbuf_add(&r->report, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return 1; /* end of the report (or a broken pipe: finish decides) */
	}
}

void orch_review_stop(struct orch_review *r)
{
	if (r->worker > 0)
		kill(r->worker, SIGTERM);
}

static int is_protected(const void *policy, const char *ref)
{
	return orch_branch_is_protected(policy, ref);
}

/* "review void: ..." when the reviewer changed anything; NULL when it did not. */
static char *void_reason(const struct orch_review_setup *s, struct orch_review *r, int *err)
{
	struct orch_snapshot after = ORCH_SNAPSHOT_INIT, outside = ORCH_SNAPSHOT_INIT;
	struct strbuf repo_changes = STRBUF_INIT, tree_changes = STRBUF_INIT, sb = STRBUF_INIT;
	git_tree *tree = NULL;
	int n = 0;

	*err = 0;
	if (orch_review_view_snapshot(r, &after) < 0)
		goto fail;
	orch_snapshot_diff(&r->before, &after, &repo_changes);
	if (!s->bwrap) {
		struct strbuf out = STRBUF_INIT;

		if (orch_snapshot_take_outside(s->repo, s->policy, &r->commit, &outside) < 0) {
			strbuf_release(&out);
			goto fail;
		}
		orch_snapshot_diff(&r->outside, &outside, &out);
		/* Refs last: taken after the files, so a ref git moved has its reflog entry by then. */
		if (orch_ref_moves_judge(s->repo, &r->refs, r->email, is_protected, s->policy, &out) < 0) {
			strbuf_release(&out);
			goto fail;
		}
		if (out.len)
			strbuf_addf(&sb, "without a sandbox, something outside its view changed while it ran (%s)",
				    out.buf);
		strbuf_release(&out);
	}
	if (orch_commit_tree(s->repo, &r->commit, &tree) < 0) {
		orch_git_error("cannot read commit %s", orch_short_oid(&r->commit));
		goto fail;
	}
	n = orch_tree_verify(s->repo, tree, r->checkout, &tree_changes);
	if (n < 0)
		goto fail;
	if (repo_changes.len)
		strbuf_addf(&sb, "%sthe reviewer changed its view of the repository (%s)", sb.len ? "; " : "",
			    repo_changes.buf);
	if (tree_changes.len)
		strbuf_addf(&sb, "%sthe reviewer changed its checkout (%s)", sb.len ? "; " : "",
			    tree_changes.buf);
	goto done;
fail:
	*err = 1;
done:
	orch_snapshot_release(&after);
	orch_snapshot_release(&outside);
	strbuf_release(&repo_changes);
	strbuf_release(&tree_changes);
	git_tree_free(tree);
	if (!sb.len) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

/*
 * Under bwrap a write outside $TMPDIR fails with EROFS, and the reviewer
 * tells which path in its own words: a failed review says so first, with
 * that line, so that nobody takes it for a verdict on the code.
 */
static char *blocked_write(const struct orch_review *r, char *reason)
{
	const char *erofs = "Read-only file system", *hit = NULL, *p = r->output.buf, *end;
	char *out;

	if (!p)
		return reason;
	end = p + r->output.len;
	while (p < end && (p = memmem(p, (size_t)(end - p), erofs, strlen(erofs)))) {
		hit = p;
		p += strlen(erofs);
	}
	if (!hit)
		return reason;
	while (hit > r->output.buf && hit[-1] != '\n')
		hit--;
	out = xasprintf("the sandbox kept the reviewer from writing outside $TMPDIR (%.*s); %s",
			(int)strcspn(hit, "\n"), hit, reason);
	free(reason);
	return out;
}

int orch_review_finish(const struct orch_review_setup *s, struct orch_review *r)
{
	struct orch_review_exit how;
	struct report rep;
	char *reason = NULL, *changed = NULL, *full = NULL;
	int status = 0, err;

	while (waitpid(r->worker, &status, 0) < 0 && errno == EINTR)
		;
	r->worker = 0;
	close(r->fd);
	r->fd = -1;
	r->finished = 1;
	r->seconds = orch_now() - r->started_at;

	if (r->report.len < sizeof(rep)) {
		int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			r->interrupted = 1; /* stopped before its reviewer started */
			return 0;
		}
		r->error = 1;
		return orch_error("the review of '%s' broke off (%s %d)", r->name,
				  sig ? "signal" : "exit status", sig ? sig : WEXITSTATUS(status));
	}
	memcpy(&rep, r->report.buf, sizeof(rep));
	if (rep.interrupted) {
		r->interrupted = 1;
		return 0;
	}
	strbuf_add(&r->output, r->report.buf + sizeof(rep), r->report.len - sizeof(rep));
	r->seconds = rep.seconds;

	how = rep.how;
	how.timeout_secs = s->policy->review_timeout;
	rep.start_error[sizeof(rep.start_error) - 1] = '\0';
	how.start_error = rep.start_error;
	r->verdict = orch_review_decide(&how, r->output.buf, r->output.len, &reason);
	if (s->bwrap && r->verdict != ORCH_VERDICT_PASS)
		reason = blocked_write(r, reason);

	changed = void_reason(s, r, &err);
	if (err) {
		r->error = 1;
		free(reason);
		return -1;
	}
	if (changed) {
		/* Read-only or nothing: whatever it said, this review does not count,
		 * either way: nothing is recorded, an earlier verdict stays as it was. */
		r->voided = 1;
		r->verdict = ORCH_VERDICT_FAIL;
		r->reason = xasprintf("review void, nothing recorded (review again): %s", changed);
		full = xasprintf("%s\n(the reviewer's own verdict, void: %s)", r->reason, reason);
	} else {
		r->reason = xstrdup(reason);
		full = xstrdup(reason);
	}
	r->body = orch_review_note_body(full, r->output.buf, r->output.len,
				       rep.truncated, ORCH_REVIEW_BODY_MAX);
	free(full);
	free(changed);
	free(reason);
	return 0;
}

int orch_review_cleanup(struct orch_review *r)
{
	int ret = 0;

	if (r->tmpdir)
		ret = orch_remove_dir(r->tmpdir);
	FREE_AND_NULL(r->tmpdir);
	return ret;
}

int orch_review_check_bwrap(const char *bwrap, char **why)
{
	const char *argv[] = { bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
			       "--unshare-all", "--die-with-parent", "/bin/sh", "-c", ":", NULL };
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	char how[300];
	int ret;

	o.argv = argv;
	o.timeout_ms = 30 * 1000;
	ret = orch_run(&o, &res);
	if (ret < 0) {
		orch_run_describe(&res, o.timeout_ms, how, sizeof(how));
		struct strbuf sb = STRBUF_INIT;
		char *nl;

		strbuf_adds(&sb, res.output.len ? orch_run_tail(&res, 1) : "");
		strbuf_rtrim(&sb);
		/* One line, for the one line that says there is no sandbox. */
		while (sb.buf && (nl = strchr(sb.buf, '\n')))
			*nl = ' ';
		*why = xasprintf("%s%s%s", how, sb.len ? ": " : "", strbuf_str(&sb));
		strbuf_release(&sb);
	}
	orch_run_result_release(&res);
	return ret;
}
