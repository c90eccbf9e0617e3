/*
 * orch-hooks test: runs the policy's test command on each commit's tree in
 * a disposable checkout and records the result as a test record (signed
 * when [test] signing_key is set): the command a CI job runs, and what the
 * server's [server] require_tests trusts. See doc/ci.md.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkout-export.h"
#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "files.h"
#include "json.h"
#include "note.h"
#include "parse-options.h"
#include "policy.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "test-record.h"
#include "value.h"

struct tested {
	git_oid commit;
	git_oid tree;
	int passed;
	int reused;
	int is_signed;
	double seconds;
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static int interrupted(void)
{
	return stop_signal || orch_run_pending_signal();
}

/* A writable checkout of the tree in a fresh directory under $TMPDIR (caller removes and frees). */
static char *check_out(git_repository *repo, const git_oid *commit_id)
{
	char *dir = orch_tmp_path("orch-hooks-test-XXXXXX");

	if (!mkdtemp(dir)) {
		orch_error("cannot make a directory to test %s in: %s", orch_short_oid(commit_id), strerror(errno));
		free(dir);
		return NULL;
	}
	if (orch_commit_check_out_to(repo, commit_id, dir) < 0) {
		orch_remove_dir(dir);
		FREE_AND_NULL(dir);
	}
	return dir;
}

/* Runs the tests of one commit; fills t. Returns 0, or -1 (reported; nothing recorded). */
static int run_one(git_repository *repo, const struct orch_policy *policy, struct tested *t)
{
	struct orch_run_opts ro = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	struct orch_test_record r = ORCH_TEST_RECORD_INIT;
	char hex[GIT_OID_HEXSZ + 1], date[32], how[300], dur[32];
	char *env[4] = { NULL }, *dir;
	int ret = -1, i;

	memset(&res, 0, sizeof(res));
	orch_format_duration(policy->test_timeout, dur, sizeof(dur));
	orch_say("testing %s (tree %s): %s (timeout %s)", orch_short_oid(&t->commit), orch_short_oid(&t->tree),
		 policy->test_command, dur);
	if (!(dir = check_out(repo, &t->commit)))
		return -1;
	env[0] = xasprintf("ORCH_COMMIT=%s", git_oid_tostr(hex, sizeof(hex), &t->commit));
	env[1] = xasprintf("ORCH_MERGE_COMMIT=%s", hex);
	env[2] = xasprintf("ORCH_TREE=%s", git_oid_tostr(hex, sizeof(hex), &t->tree));
	ro.shell_command = policy->test_command;
	ro.env = (const char *const *)env;
	ro.scrub_git_env = 1;	/* a test suite that makes repositories must not act on this one */
	ro.cwd = dir;
	ro.timeout_ms = policy->test_timeout * 1000u;
	ro.tee_fd = 2;
	if (!interrupted())
		orch_run(&ro, &res);
	orch_remove_dir(dir);
	if (interrupted() || res.interrupted) {
		orch_error("interrupted: the tests of %s were stopped and nothing was recorded",
			   orch_short_oid(&t->commit));
		goto done;
	}
	orch_run_describe(&res, ro.timeout_ms, how, sizeof(how));
	t->passed = res.started && res.exited && !res.exit_code && !res.timed_out;
	t->seconds = res.seconds;
	r.passed = t->passed;
	r.commit = xstrdup(git_oid_tostr(hex, sizeof(hex), &t->commit));
	r.tree = xstrdup(git_oid_tostr(hex, sizeof(hex), &t->tree));
	r.command = orch_test_command_line(policy->test_command);
	r.runner = orch_test_runner();
	r.exit = !res.started ? xstrdup("not started") : res.timed_out ? xstrdup("timeout")
		 : res.exited ? xasprintf("%d", res.exit_code) : xasprintf("signal %d", res.signal);
	r.duration = xasprintf("%.1fs", res.seconds);
	r.date = xstrdup(orch_iso8601(time(NULL), date, sizeof(date)));
	r.body = res.output.len ? xstrdup(orch_run_tail(&res, 20)) : NULL;
	if (orch_test_record_write(repo, policy, &t->commit, &t->tree, &r, 1, t->passed && policy->test_reuse) < 0)
		goto done;
	t->is_signed = r.signature != NULL;
	orch_say("tests %s on %s (%s, %.1fs); recorded under %s%s", t->passed ? "PASSED" : "FAILED",
		 orch_short_oid(&t->commit), how, res.seconds, policy->tests_ref, t->is_signed ? ", signed" : "");
	ret = 0;
done:
	orch_test_record_release(&r);
	orch_run_result_release(&res);
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(dir);
	return ret;
}

static void print_json(const struct tested *t, int n)
{
	char hex[GIT_OID_HEXSZ + 1];
	int i;

	printf("{\"version\": 1, \"results\": [");
	for (i = 0; i < n; i++) {
		printf("%s{\"commit\": ", i ? ", " : "");
		orch_json_string(stdout, git_oid_tostr(hex, sizeof(hex), &t[i].commit));
		printf(", \"tree\": ");
		orch_json_string(stdout, git_oid_tostr(hex, sizeof(hex), &t[i].tree));
		printf(", \"result\": \"%s\", \"reused\": %s, \"duration\": %.1f, \"signed\": %s}",
		       t[i].passed ? "PASS" : "FAIL", t[i].reused ? "true" : "false", t[i].seconds,
		       t[i].is_signed ? "true" : "false");
	}
	printf("]}\n");
}

/* Every argument as a commit, before anything runs. Returns 0 or -1 (reported). */
static int resolve_all(git_repository *repo, int argc, char **argv, struct tested *t)
{
	int i;

	for (i = 0; i < argc; i++) {
		git_object *obj = NULL, *peeled = NULL;

		if (git_revparse_single(&obj, repo, argv[i]) < 0 ||
		    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
			git_object_free(obj);
			return orch_error("'%s' does not name a commit here", argv[i]);
		}
		git_oid_cpy(&t[i].commit, git_object_id(peeled));
		git_oid_cpy(&t[i].tree, git_commit_tree_id((git_commit *)peeled));
		git_object_free(peeled);
		git_object_free(obj);
	}
	return 0;
}

/* A result already recorded for this tree under this command: 1 (t filled), else 0. */
static int reuse(git_repository *repo, const struct orch_policy *policy, struct tested *t)
{
	struct orch_test_record r = ORCH_TEST_RECORD_INIT;

	if (!policy->test_reuse || !orch_test_record_find_reusable(repo, policy, &t->commit, &t->tree, &r))
		return 0;
	t->passed = t->reused = 1;
	t->is_signed = r.signature != NULL;
	t->seconds = r.duration ? strtod(r.duration, NULL) : 0;
	orch_say("tests PASSED on %s: REUSED the result recorded for its tree %s under the same command "
		 "(by %s at %s), not run again ([test] reuse = false turns this off)", orch_short_oid(&t->commit),
		 orch_short_oid(&t->tree), r.runner ? r.runner : "?", r.date);
	orch_test_record_release(&r);
	return 1;
}

static int cmd_test(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	struct sigaction sa, old_int, old_term, old_hup;
	struct tested *t = NULL;
	int i, n, json = 0, failed = 0, ret = ORCH_EXIT_FATAL;
	const struct orch_option options[] = {
		OPT_BOOL(0, "json", &json, "print the results as JSON on stdout"),
		OPT_END(),
	};

	n = orch_parse_options(argc, argv, options, &orch_cmd_test);
	if (n <= 0) {
		return n < 0 ? ORCH_EXIT_USAGE : orch_usage(&orch_cmd_test);
	}
	/* Stop between steps on Ctrl-C, so the checkout is always removed. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	t = xcalloc((size_t)n, sizeof(*t));
	if (orch_cmd_setup(ctx) < 0)
		goto done;
	if (!*ctx->policy->test_command) {
		orch_error("no [test] command in the policy (%s): nothing to run", ctx->policy->path);
		goto done;
	}
	if (resolve_all(ctx->repo, n, argv, t) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (!reuse(ctx->repo, ctx->policy, &t[i]) && run_one(ctx->repo, ctx->policy, &t[i]) < 0) {
			ret = interrupted() ? ORCH_EXIT_INTERRUPTED : ORCH_EXIT_FATAL;
			goto done;
		}
		failed |= !t[i].passed;
	}
	if (json)
		print_json(t, n);
	ret = failed ? ORCH_EXIT_NO : ORCH_EXIT_OK;
done:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	free(t);
	return ret;
}

ORCH_CMD_DEFINE(test, ORCH_CMD_NEEDS_REPO | ORCH_CMD_NEEDS_POLICY, "test [--json] COMMIT...",
		"run the test command on each commit's tree in a disposable checkout and record the result "
		"(signed with [test] signing_key)");
