/* orch-hooks review: run the read-only reviewer on branch tips, in parallel, and record verdicts. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "files.h"
#include "json.h"
#include "parse-options.h"
#include "policy.h"
#include "repo.h"
#include "review.h"
#include "review-select.h"
#include "strbuf.h"
#include "target.h"
#include "verdict.h"

static int signal_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	int saved = errno;
	ssize_t w;

	got_signal = sig;
	w = write(signal_pipe[1], "x", 1);
	(void)w;
	errno = saved;
}

struct run {
	struct orch_review_setup setup;
	struct orch_review *reviews;
	int n, jobs, next, running, done;
	int interrupted;
	int out_fd;		/* where the reviewers' reports go: stdout, or stderr under --json */
	double start;
	unsigned progress_every;
	double last_progress;
};

/* "orch-hooks: [2/8 done, 4 running, 12s] what" on stderr. */
static void progress(struct run *run, const char *fmt, ...) ORCH_PRINTF(2, 3);
static void progress(struct run *run, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	orch_say("[%d/%d done, %d running, %.0fs] %s", run->done, run->n, run->running,
		 orch_now() - run->start, sb.buf);
	strbuf_release(&sb);
	run->last_progress = orch_now();
}

/*
 * A void review (the reviewer changed something it must not) is no verdict:
 * nothing is recorded and the branch must be reviewed again. review.c
 * reports it in the reason today; when it reports void itself, only this
 * function changes.
 */
static int is_void(const struct orch_review *r)
{
	return r->finished && !r->error && r->voided;
}

static const char *verdict_word(const struct orch_review *r)
{
	if (r->error)
		return "ERROR";
	if (!r->finished)
		return "-";
	if (is_void(r))
		return "VOID";
	return r->verdict == ORCH_VERDICT_PASS ? "PASS" : "FAIL";
}

/* One contiguous block per review, so parallel reviewers never interleave. */
static void print_block(const struct run *run, const struct orch_review *r)
{
	struct strbuf sb = STRBUF_INIT;
	const char *reason = r->reason ? r->reason : "";

	if (run->setup.live_fd < 0 && !r->carried) {
		strbuf_addf(&sb, "--- review of %s (%s) ---\n", r->name, orch_short_oid(&r->commit));
		strbuf_add(&sb, strbuf_str(&r->output), r->output.len);
		if (r->output.len && r->output.buf[r->output.len - 1] != '\n')
			strbuf_addch(&sb, '\n');
	}
	strbuf_addf(&sb, "--- %s: %s in %.1fs: %.*s ---\n", r->name, verdict_word(r), r->seconds,
		    (int)strcspn(reason, "\n"), reason);
	fflush(stdout);
	{
		const char *p = sb.buf;
		size_t left = sb.len;

		while (left) {
			ssize_t w = write(run->out_fd, p, left);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			p += w;
			left -= (size_t)w;
		}
	}
	strbuf_release(&sb);
}

static void start_next(struct run *run)
{
	struct orch_review *r = &run->reviews[run->next++];

	if (r->carried) {
		run->done++;
		print_block(run, r);
		progress(run, "%s PASS: %s", r->name, r->reason);
		return;
	}
	if (orch_review_prepare(&run->setup, r) < 0)
		goto fail;
	/* Shown live: the header goes out before the reviewer can print. */
	if (run->setup.live_fd >= 0) {
		dprintf(run->out_fd, "--- review of %s (%s) ---\n", r->name, orch_short_oid(&r->commit));
	}
	if (orch_review_start(&run->setup, r) < 0)
		goto fail;
	run->running++;
	progress(run, "reviewing %s (%s)", r->name, orch_short_oid(&r->commit));
	return;
fail:
	r->error = 1;
	r->finished = 1;
	orch_review_cleanup(r);
	run->done++;
	progress(run, "%s: could not review it", r->name);
}

static void finish(struct run *run, struct orch_review *r)
{
	orch_review_finish(&run->setup, r);
	if (orch_review_cleanup(r) < 0)
		r->error = 1;
	run->running--;
	run->done++;
	if (r->interrupted) {
		progress(run, "%s: stopped", r->name);
		return;
	}
	if (!r->error)
		print_block(run, r);
	progress(run, "%s %s (%.1fs)", r->name, verdict_word(r), r->seconds);
}

static void heartbeat(struct run *run)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < run->next; i++) {
		struct orch_review *r = &run->reviews[i];

		if (r->worker > 0)
			strbuf_addf(&sb, "%s%s (%.0fs)", sb.len ? ", " : "", r->name, orch_now() - r->started_at);
	}
	progress(run, "running: %s", strbuf_str(&sb));
	strbuf_release(&sb);
}

static void run_all(struct run *run)
{
	struct pollfd *pfd = xcalloc((size_t)run->jobs + 1, sizeof(*pfd));
	struct orch_review **who = xcalloc((size_t)run->jobs + 1, sizeof(*who));

	for (;;) {
		int i, nfds = 1;

		while (!run->interrupted && run->running < run->jobs && run->next < run->n)
			start_next(run);
		if (!run->running)
			break;

		/* poll leaves revents alone when a signal interrupts it. */
		memset(pfd, 0, ((size_t)run->jobs + 1) * sizeof(*pfd));
		pfd[0].fd = signal_pipe[0];
		pfd[0].events = POLLIN;
		for (i = 0; i < run->next; i++) {
			if (run->reviews[i].worker <= 0)
				continue;
			pfd[nfds].fd = run->reviews[i].fd;
			pfd[nfds].events = POLLIN;
			who[nfds++] = &run->reviews[i];
		}
		if (poll(pfd, (nfds_t)nfds, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			char drain[64];

			while (read(signal_pipe[0], drain, sizeof(drain)) > 0)
				;
		}
		if (got_signal && !run->interrupted) {
			run->interrupted = 1;
			orch_say("interrupted: stopping %d reviewer%s; no verdict will be recorded",
				 run->running, run->running == 1 ? "" : "s");
			for (i = 0; i < run->next; i++)
				orch_review_stop(&run->reviews[i]);
		}
		for (i = 1; i < nfds; i++)
			if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) && orch_review_read(who[i]))
				finish(run, who[i]);
		if (run->progress_every && run->running && orch_now() - run->last_progress >= run->progress_every)
			heartbeat(run);
	}
	free(pfd);
	free(who);
}

static void print_summary(const struct run *run)
{
	int i, wname = 6;

	for (i = 0; i < run->n; i++) {
		int len = (int)strlen(run->reviews[i].name);

		if (len > wname)
			wname = len;
	}
	printf("\n%-*s  %-12s  %-7s  %8s  %s\n", wname, "BRANCH", "COMMIT", "VERDICT", "DURATION", "REASON");
	for (i = 0; i < run->n; i++) {
		const struct orch_review *r = &run->reviews[i];
		const char *reason = r->error ? "orch-hooks could not review it (see above)" :
				     r->reason ? r->reason : "";

		printf("%-*s  %-12s  %-7s  %7.1fs  %.*s\n", wname, r->name, orch_short_oid(&r->commit),
		       verdict_word(r), r->seconds, (int)strcspn(reason, "\n"), reason);
	}
	fflush(stdout);
}

static int setup_signals(int on)
{
	struct sigaction sa;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP }, i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_signal : SIG_DFL;
	if (on && pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return orch_error("cannot make a pipe: %s", strerror(errno));
	/* A reader that goes away (| head) must not kill us before we clean up. */
	signal(SIGPIPE, on ? SIG_IGN : SIG_DFL);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, NULL);
	if (!on) {
		close(signal_pipe[0]);
		close(signal_pipe[1]);
		signal_pipe[0] = signal_pipe[1] = -1;
	}
	return 0;
}

static int record(struct run *run, git_repository *repo, const struct orch_policy *policy)
{
	char *reviewer = xasprintf("%s%s", policy->review_command,
				   run->setup.bwrap ? " (sandbox: bwrap)" : "");
	char *key = orch_policy_resolve_path(policy, policy->signing_key);
	int i, pass = 0, fail = 0, voided = 0, ret = 0;

	for (i = 0; i < run->n; i++) {
		struct orch_review *r = &run->reviews[i];
		char duration[32];

		if (r->error || !r->finished)
			continue;
		if (r->voided) {
			voided++;
			continue;
		}
		snprintf(duration, sizeof(duration), "%.1fs", r->seconds);
		if (r->carried) {
			if (orch_verdict_write_carried(repo, policy->notes_ref, &r->commit, &r->carried_from,
						       &r->carried_base, "orch-hooks review (carry-over)",
						       r->body) < 0) {
				r->error = 1;
				ret = -1;
			} else {
				pass++;
			}
			continue;
		}
		if (orch_verdict_write_signed(repo, policy->notes_ref, &r->commit, r->verdict, reviewer,
					      duration, r->body, key) < 0) {
			r->error = 1;
			ret = -1;
			continue;
		}
		if (r->verdict == ORCH_VERDICT_PASS)
			pass++;
		else
			fail++;
	}
	orch_say("recorded %d %sverdict%s in %s: %d PASS, %d FAIL", pass + fail, key ? "signed " : "",
		 pass + fail == 1 ? "" : "s", policy->notes_ref, pass, fail);
	if (voided)
		orch_say("%d review%s VOID: the reviewer changed something it must not (see above); nothing "
			 "was recorded for %s, earlier verdicts stand: review again", voided,
			 voided == 1 ? " was" : "s were", voided == 1 ? "it" : "them");
	free(key);
	free(reviewer);
	return ret;
}

/* review's exit status: 0 all PASS, 1 some FAIL, 3 some void (retry), 128 an error. */
static int exit_status(const struct run *run)
{
	int i, ret = ORCH_EXIT_OK;

	for (i = 0; i < run->n; i++) {
		const struct orch_review *r = &run->reviews[i];

		if (r->error || !r->finished)
			return ORCH_EXIT_FATAL;
		if (is_void(r))
			ret = ORCH_REVIEW_VOID;
		else if (ret == ORCH_EXIT_OK && r->verdict != ORCH_VERDICT_PASS)
			ret = ORCH_REVIEW_FAIL;
	}
	return ret;
}

/* The outcome for programs (doc/json.md): one object on stdout. */
static void print_json(const struct run *run, int status)
{
	int i;

	printf("{\"version\": 1, \"command\": \"review\", \"target\": ");
	orch_json_string(stdout, run->setup.target);
	printf(", \"exit_status\": %d, \"interrupted\": %s,\n \"reviews\": [", status,
	       run->interrupted ? "true" : "false");
	for (i = 0; i < run->n; i++) {
		const struct orch_review *r = &run->reviews[i];
		char hex[GIT_OID_HEXSZ + 1];
		const char *w = verdict_word(r);
		char *line = r->reason ? xstrndup(r->reason, strcspn(r->reason, "\n")) : NULL;

		printf("%s\n  {\"name\": ", i ? "," : "");
		orch_json_string(stdout, r->name);
		printf(", \"branch\": ");
		orch_json_string(stdout, *r->branch ? r->branch : NULL);
		printf(", \"commit\": \"%s\", \"verdict\": ", git_oid_tostr(hex, sizeof(hex), &r->commit));
		orch_json_string(stdout, !strcmp(w, "-") ? NULL : !strcmp(w, "VOID") ? "void" :
					 !strcmp(w, "ERROR") ? "error" : w);
		printf(", \"recorded\": %s, \"reason\": ",
		       r->finished && !r->error && !r->voided && !run->interrupted ? "true" : "false");
		orch_json_string(stdout, r->error ? "orch-hooks could not review it (see stderr)" : line);
		printf(", \"carried_from\": ");
		if (r->carried)
			printf("\"%s\"", git_oid_tostr(hex, sizeof(hex), &r->carried_from));
		else
			printf("null");
		printf(", \"duration\": %.1f}", r->seconds);
		free(line);
	}
	printf("%s]}\n", run->n ? "\n " : "");
	fflush(stdout);
}

/* Decide whether the reviewer runs in bubblewrap; -1 when the policy demands a sandbox we cannot make. */
static int choose_sandbox(struct run *run, const struct orch_policy *policy)
{
	const char *env;
	char *why = NULL;
	int ret = 0;

	if (policy->review_sandbox == ORCH_SANDBOX_AUTO) {
		env = getenv("ORCH_HOOKS_BWRAP");
		run->setup.bwrap = env && *env ? env : "bwrap";
		if (orch_review_check_bwrap(run->setup.bwrap, &why) < 0) {
			orch_say("no sandbox: bubblewrap cannot make one here (%s); reviewing without it "
				 "([review] sandbox = auto): its changes to git configuration, hooks, the policy, "
				 "refs and this work tree void its review; other work trees are not watched", why);
			run->setup.bwrap = NULL;
		}
	} else if (policy->review_sandbox == ORCH_SANDBOX_BWRAP) {
		env = getenv("ORCH_HOOKS_BWRAP");
		run->setup.bwrap = env && *env ? env : "bwrap";
		if (orch_review_check_bwrap(run->setup.bwrap, &why) < 0) {
			orch_error("refusing to review: the policy (%s) asks for [review] sandbox = bwrap, "
				   "but bubblewrap ('%s') cannot make a sandbox here: %s; install bubblewrap "
				   "and allow unprivileged user namespaces, or set sandbox = none",
				   policy->path, run->setup.bwrap, why);
			ret = -1;
		}
	}
	free(why);
	return ret;
}

/* Fill in what every review shares; *tmp_root is the caller's to free. */
static int prepare_run(struct run *run, git_repository *repo, const struct orch_policy *policy,
		       const char *commondir, const char *target, char **tmp_root)
{
	const char *env;

	*tmp_root = realpath(orch_tmpdir(), NULL);
	if (!*tmp_root) {
		orch_error("cannot use '%s' for temporary files: %s", orch_tmpdir(), strerror(errno));
		return -1;
	}
	run->setup.repo = repo;
	run->setup.policy = policy;
	run->setup.commondir = commondir;
	run->setup.target = target;
	run->setup.tmp_root = *tmp_root;
	run->setup.live_fd = run->jobs == 1 || run->n == 1 ? run->out_fd : -1;
	if (run->jobs > run->n)
		run->jobs = run->n;
	env = getenv("ORCH_HOOKS_PROGRESS_SECONDS");
	run->progress_every = env && *env ? (unsigned)strtoul(env, NULL, 10) : 10;
	run->start = run->last_progress = orch_now();
	return 0;
}

static int cmd_review(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	struct run run;
	const char *onto = NULL;
	char *target = NULL, *tmp_root = NULL;
	char **revs;
	git_oid target_oid;
	unsigned jobs = 1;
	int i, nrevs, json = 0, printed = 0, carry = 1, ret = ORCH_EXIT_FATAL;
	const struct orch_option options[] = {
		OPT_UINT('j', "jobs", &jobs, "<n>", "run N reviews at once (1 to 256)"),
		OPT_STRING(0, "onto", &onto, "<branch>", "the branch they are to be merged into"),
		OPT_BOOL(0, "json", &json, "print the outcome as JSON on stdout (doc/json.md)"),
		OPT_BOOL(0, "carry-over", &carry, "carry the verdict of a pure rebase over (--no-carry-over: review it)"),
		OPT_END(),
	};

	memset(&run, 0, sizeof(run));
	nrevs = orch_parse_options(argc, argv, options, &orch_cmd_review);
	revs = argv;
	if (nrevs < 0)
		return ORCH_EXIT_USAGE;
	if (jobs < 1 || jobs > 256) {
		orch_error("-j wants a number of reviews to run at once (1 to 256), not %u", jobs);
		return orch_usage(&orch_cmd_review);
	}
	if (!nrevs)
		return orch_usage(&orch_cmd_review);
	run.jobs = (int)jobs;
	run.out_fd = json ? 2 : 1;
	if (orch_cmd_setup(ctx) < 0)
		goto done;
	if (!ctx->policy->review_command || !*ctx->policy->review_command) {
		orch_error("no reviewer is configured: [review] command is empty in %s; "
			   "set it to a reviewer such as the ones in etc/reviewers/, or record a "
			   "verdict by hand with 'orch-hooks verdict set'", ctx->policy->path);
		goto done;
	}
	if (choose_sandbox(&run, ctx->policy) < 0)
		goto done;
	if (orch_find_target(ctx->repo, ctx->policy, onto, &target, &target_oid) < 0)
		goto done;

	run.reviews = xcalloc((size_t)nrevs, sizeof(*run.reviews));
	if (orch_review_select(ctx->repo, ctx->policy, (const char *const *)revs, nrevs, &target_oid, carry,
			       run.reviews, &run.n) < 0)
		goto done;

	if (prepare_run(&run, ctx->repo, ctx->policy, ctx->commondir, target, &tmp_root) < 0)
		goto done;

	if (setup_signals(1) < 0)
		goto done;
	run_all(&run);
	setup_signals(0);

	if (run.interrupted) {
		orch_error("interrupted: no verdict was recorded; run 'orch-hooks review' again");
		ret = ORCH_EXIT_INTERRUPTED;
		if (json)
			print_json(&run, ret);
		printed = 1;
		goto done;
	}
	if (!json)
		print_summary(&run);
	ret = record(&run, ctx->repo, ctx->policy) < 0 ? ORCH_EXIT_FATAL : exit_status(&run);
	if (json)
		print_json(&run, ret);
	printed = 1;
done:
	if (json && ret == ORCH_EXIT_FATAL && !printed)
		print_json(&run, ret);
	for (i = 0; i < run.n; i++) {
		orch_review_cleanup(&run.reviews[i]);
		orch_review_release(&run.reviews[i]);
	}
	free(run.reviews);
	free(tmp_root);
	free(target);
	return ret;
}

ORCH_CMD_DEFINE(review, ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY,
		"review [-j N] [--onto BRANCH] [--json] [--no-carry-over] BRANCH|COMMIT...",
		"run the read-only reviewer on branch tips (N at once) and record their verdicts");
