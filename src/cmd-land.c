/*
 * orch-hooks land: bring reviewed branches home one at a time. Each branch
 * must carry a valid PASS, is merged with the real `git merge --no-ff` (so
 * every installed gate runs), and must survive the test gate before the
 * next one is merged. A break names its own cause, because only one thing
 * changed. Every stop has its own exit status (src/exit-codes.h) and
 * --json says the same for programs (doc/json.md).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "land.h"
#include "land-ci.h"
#include "land-report.h"
#include "land-review.h"
#include "land-scratch.h"
#include "land-state.h"
#include "land-step.h"
#include "land-tree.h"
#include "landing.h"
#include "merge-gate.h"
#include "parse-options.h"
#include "content-rule.h"
#include "policy.h"
#include "repo.h"
#include "strbuf.h"
#include "trust.h"
#include "value.h"
#include "verdict.h"

static int exit_for(enum land_status s, const char **result)
{
	switch (s) {
	case LAND_BROKE_TESTS: *result = "tests-failed"; return ORCH_LAND_TESTS_FAILED;
	case LAND_NOT_REVIEWED:
	case LAND_REJECTED: *result = "not-reviewed"; return ORCH_LAND_NOT_REVIEWED;
	case LAND_CONFLICT: *result = "conflict"; return ORCH_LAND_CONFLICT;
	case LAND_INTERRUPTED: *result = "interrupted"; return ORCH_EXIT_INTERRUPTED;
	default: *result = "fatal"; return ORCH_EXIT_FATAL;
	}
}

int land_is_done(enum land_status s)
{
	return s == LAND_LANDED || s == LAND_ALREADY || s == LAND_SKIPPED;
}

/* The branch that stopped the run (or is half-way), or -1. */
long land_stopped_index(const struct land_state *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++)
		if (land_status_stops(st->items[i].status) || st->items[i].status == LAND_MERGING)
			return (long)i;
	return -1;
}

/* Ends the run: the report on stdout, the state kept while anything is left to do. */
int land_finish(struct lander *l, int json)
{
	struct land_outcome o = { .exit_status = 0, .result = "landed", .jobs = l->st.jobs > 1 ? l->st.jobs : 1,
				  .test_runs = l->st.jobs > 1 ? (long)l->test_runs : -1 };
	long k = land_stopped_index(&l->st);
	size_t i, left = 0;

	for (i = 0; i < l->st.nr; i++)
		left += !land_is_done(l->st.items[i].status);
	if (l->result) {
		o.result = l->result;
		o.exit_status = l->exit_status;
	} else if (k >= 0) {
		o.exit_status = exit_for(l->st.items[k].status, &o.result);
	} else if (left) {
		o.result = land_interrupted() ? "interrupted" : "fatal";
		o.exit_status = land_interrupted() ? ORCH_EXIT_INTERRUPTED : ORCH_EXIT_FATAL;
	}
	if (k >= 0) {
		o.stopped_at = l->st.items[k].branch;
		o.reason = l->st.items[k].reason;
	} else if (left && land_interrupted()) {
		o.reason = "interrupted between two branches; nothing is half-way";
	}
	if (l->reason)
		o.reason = l->reason;
	if (json)
		land_report_json(&l->st, &o);
	else
		land_report_table(&l->st);
	l->reported = 1;
	if (!left && !l->result) {
		unlink(l->state_path);
		orch_say("all %zu branches landed on '%s'", l->st.nr, l->st.onto);
	} else if (o.exit_status == ORCH_EXIT_INTERRUPTED) {
		orch_say("land stopped; go on with 'orch-hooks land --continue' or stop with 'orch-hooks land --abort'");
	}
	return o.exit_status;
}

/* Does branch i still need a verdict (no PASS, no FAIL), and is it not in the target yet? */
static int wants_review(struct lander *l, const struct land_item *it)
{
	struct orch_judgement_result j;
	git_reference *ref = NULL;
	git_oid tip, head;
	int r = 0;

	if (land_is_done(it->status) || git_branch_lookup(&ref, l->repo, it->branch, GIT_BRANCH_LOCAL) < 0)
		return 0;
	git_oid_cpy(&tip, git_reference_target(ref));
	git_reference_free(ref);
	if (land_head_oid(l->repo, &head) < 0 || git_oid_equal(&tip, &head) ||
	    git_graph_descendant_of(l->repo, &head, &tip) == 1 || land_judge_branch(l, &tip, &j) < 0)
		return 0;
	r = j.kind != ORCH_JUDGE_PASS && j.kind != ORCH_JUDGE_FAIL;
	orch_judgement_result_release(&j);
	return r;
}

/* --review: every queued branch that lacks a verdict is reviewed before the first merge. */
static int review_queue(struct lander *l)
{
	const char **names = xcalloc(l->st.nr + 1, sizeof(*names));
	size_t i, n = 0;
	int rc = 0, ret = 0;

	for (i = 0; l->st.review_jobs && i < l->st.nr; i++)
		if (wants_review(l, &l->st.items[i]))
			names[n++] = l->st.items[i].branch;
	if (n)
		rc = land_review(l->st.onto, l->st.review_jobs, l->policy.review_timeout, names, n);
	if (land_interrupted() || rc == ORCH_EXIT_INTERRUPTED) {
		ret = -1;
	} else if (rc != 0 && rc != ORCH_REVIEW_FAIL && rc != ORCH_REVIEW_VOID) {
		orch_error("the review before landing failed (see above); nothing was merged");
		l->result = "fatal";
		l->exit_status = ORCH_EXIT_FATAL;
		ret = -1;
	}
	free(names);
	return ret;
}

/*
 * Lands every branch not done yet, in order; stops at the first that does
 * not land (--keep-going: goes on past one that broke the tests). -j N
 * tests the prefixes of the queue at once instead (land-spec.c).
 */
int land_rest(struct lander *l, int json)
{
	size_t i;

	if (!land_interrupted() && review_queue(l) < 0)
		return land_finish(l, json);
	if (l->st.jobs > 1) {
		if (!land_interrupted())
			land_spec_run(l);
		return land_finish(l, json);
	}
	for (i = 0; i < l->st.nr; i++) {
		enum land_status s = l->st.items[i].status;

		if (land_is_done(s) || (l->st.keep_going && s == LAND_BROKE_TESTS))
			continue;
		if (land_interrupted())
			break;
		if (land_one(l, i, 0) < 0 && !(l->st.keep_going && l->st.items[i].status == LAND_BROKE_TESTS))
			break;
	}
	return land_finish(l, json);
}

/* A git command that may simply stop on Ctrl-C (nothing is half-way before the first merge). */
static int git_stoppable(const char *const *argv)
{
	struct land_step s = LAND_STEP_INIT;

	s.argv = argv;
	s.mode = LAND_STEP_PASS_ON;
	return land_step_run(&s);
}

/* The target: --onto, else the current branch; it must be protected. */
static int set_target(struct lander *l, const char *onto, const char *current)
{
	l->st.onto = xstrdup(onto ? onto : current ? current : "");
	if (!*l->st.onto)
		return orch_error("HEAD is detached; name the target with --onto BRANCH");
	if (!orch_branch_is_protected(&l->policy, l->st.onto))
		return orch_error("'%s' is not a protected branch ([branches] protected in %s); land brings "
				  "branches home to a protected branch", l->st.onto, l->policy.path);
	return 0;
}

static int start(struct lander *l, const char *onto, int pull, int json)
{
	char *current = orch_repo_current_branch(l->repo);
	int ret = ORCH_EXIT_FATAL;

	if (land_merge_in_progress(l->repo)) {
		orch_error("a merge is in progress; finish it or 'git merge --abort' before landing");
		goto done;
	}
	if (land_list_changes(l->repo)) {
		orch_error("the work tree has uncommitted changes (above); commit or stash them before landing");
		goto done;
	}
	if (set_target(l, onto, current) < 0)
		goto done;
	if (!current || strcmp(current, l->st.onto)) {
		const char *sw[] = { "git", "switch", "--no-guess", l->st.onto, NULL };

		if (git_stoppable(sw) != 0) {
			orch_error("cannot switch to '%s'", l->st.onto);
			goto done;
		}
	}
	if (pull) {
		const char *p[] = { "git", "pull", "--ff-only", NULL };

		if (git_stoppable(p) != 0) {
			orch_error("'git pull --ff-only' failed; bring '%s' up to date by hand, then land", l->st.onto);
			goto done;
		}
	}
	if (land_state_save(&l->st, l->state_path) < 0)
		goto done;
	ret = land_rest(l, json);
done:
	if (ret == ORCH_EXIT_FATAL && land_interrupted())
		ret = ORCH_EXIT_INTERRUPTED;
	free(current);
	return ret;
}

/* land --ci: CI tests the merges; nothing here moves (land-ci.h). */
static int start_ci(struct lander *l, struct land_ci_opts *ci, const char *onto, const char *timeout, int json)
{
	char *current = orch_repo_current_branch(l->repo);
	int r = set_target(l, onto, current);

	free(current);
	if (r < 0)
		return ORCH_EXIT_FATAL;
	if (ci->remote[0] == '-') {
		orch_error("--ci: '%s' is not a remote", ci->remote);
		return ORCH_EXIT_USAGE;
	}
	ci->json = json;
	ci->timeout_s = l->policy.ci_timeout;
	if (timeout && orch_parse_duration(timeout, &ci->timeout_s) < 0) {
		orch_error("--ci-timeout: '%s' is not a duration (30s, 10m, 1h)", timeout);
		return ORCH_EXIT_USAGE;
	}
	return land_ci_run(l, ci);
}

static void add_item(struct land_state *st, const char *branch)
{
	struct land_item *it;

	st->items = xrealloc(st->items, (st->nr + 1) * sizeof(*st->items));
	it = &st->items[st->nr++];
	memset(it, 0, sizeof(*it));
	it->branch = xstrdup(branch);
}

/* What the command line asked for. */
struct land_args {
	const char *onto, *ci_remote, *ci_timeout;
	unsigned jobs;
	int pull, cont, give_up, skip, review, json, delete_branches, keep_going;
};

/* Opens the repository and the policy, then starts a land or acts on the one under way. */
static int run_land(struct lander *l, const struct land_args *a)
{
	char *common = NULL;
	int loaded, ret = ORCH_EXIT_FATAL;

	if (orch_repo_open_path(&l->repo, NULL) < 0)
		goto done;
	common = orch_repo_commondir(l->repo);
	if (orch_policy_load(&l->policy, common) < 0)
		goto done;
	l->state_path = land_state_path(l->repo);
	land_signals_setup();
	if (a->ci_remote) {
		struct land_ci_opts ci = LAND_CI_OPTS_INIT;

		ci.remote = a->ci_remote;
		ret = start_ci(l, &ci, a->onto, a->ci_timeout, a->json);
		goto done;
	}
	land_scratch_tidy(l->repo);	/* what a killed land -j left behind */
	if (!a->cont && !a->give_up && !a->skip) {
		struct land_state old;

		loaded = land_state_load(&old, l->state_path);
		land_state_release(&old);
		if (loaded != 0) {
			orch_error("a land is already under way here; 'orch-hooks land --continue', "
				   "'orch-hooks land --skip' or 'orch-hooks land --abort'");
			goto done;
		}
		l->pinned = xcalloc(l->st.nr + 1, 1);
		ret = start(l, a->onto, a->pull, a->json);
		goto done;
	}
	land_state_release(&l->st);
	loaded = land_state_load(&l->st, l->state_path);
	if (loaded <= 0) {
		if (!loaded)
			orch_error("no land is under way here");
		goto done;
	}
	l->pinned = xcalloc(l->st.nr + 1, 1);
	ret = a->give_up ? land_abort(l, a->json) : land_resume(l, a->skip, a->json);
done:
	free(common);
	return ret;
}

static int cmd_land(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	struct lander l;
	struct land_args a = { .onto = NULL };
	const char *env;
	int i, nargs, ret = ORCH_EXIT_FATAL;
	const struct orch_option options[] = {
		OPT_STRING(0, "onto", &a.onto, "<branch>", "the protected branch to land on (default: the current one)"),
		OPT_BOOL(0, "pull", &a.pull, "bring the target up to date first (git pull --ff-only)"),
		OPT_BOOL(0, "delete-branches", &a.delete_branches, "delete each branch once it has landed"),
		OPT_BOOL(0, "review", &a.review, "review every queued branch that lacks a verdict first"),
		OPT_UINT('j', "jobs", &a.jobs, "<n>", "test N prefixes of the queue at once (speculative landing); "
			 "with --review, also N reviewers"),
		OPT_BOOL(0, "keep-going", &a.keep_going, "drop a branch that breaks the tests and go on with the rest"),
		OPT_BOOL(0, "continue", &a.cont, "go on after a stop (a resolved conflict, a new verdict, a fix)"),
		OPT_BOOL(0, "skip", &a.skip, "drop the branch that stopped the land and go on with the rest"),
		OPT_BOOL(0, "abort", &a.give_up, "stop the land; what landed stays landed"),
		OPT_STRING(0, "ci", &a.ci_remote, "<remote>", "let CI on REMOTE test the merges (doc/ci.md)"),
		OPT_STRING(0, "ci-timeout", &a.ci_timeout, "<duration>", "with --ci: the longest wait for CI ([ci] timeout)"),
		OPT_BOOL(0, "json", &a.json, "print the outcome as JSON on stdout (doc/json.md)"),
		OPT_END(),
	};

	memset(&l, 0, sizeof(l));
	orch_policy_init(&l.policy);
	nargs = orch_parse_options(argc, argv, options, &orch_cmd_land);
	if (nargs < 0) {
		ret = ORCH_EXIT_USAGE;
		goto done;
	}
	if ((a.cont + a.give_up + a.skip) ? (nargs || a.onto || a.pull || a.review || a.jobs || a.delete_branches ||
					     a.keep_going || a.cont + a.give_up + a.skip > 1) : !nargs) {
		ret = orch_usage(&orch_cmd_land);
		goto done;
	}
	if ((a.ci_remote || a.ci_timeout) && (a.cont + a.give_up + a.skip || a.pull || a.review || a.jobs ||
					      a.delete_branches || a.keep_going || !a.ci_remote)) {
		orch_error("--ci goes with --onto, --ci-timeout and --json only");
		ret = orch_usage(&orch_cmd_land);
		goto done;
	}
	for (i = 0; i < nargs; i++)
		add_item(&l.st, argv[i]);
	l.st.delete_branches = a.delete_branches;
	l.st.review_jobs = a.review ? (a.jobs ? a.jobs : 1) : 0;
	l.st.jobs = a.jobs;
	l.st.keep_going = a.keep_going;
	env = getenv("ORCH_HOOKS_PROGRESS_SECONDS");
	l.heartbeat_s = env && *env ? (unsigned)strtoul(env, NULL, 10) : 10;
	ret = run_land(&l, &a);
done:
	if (a.json && !l.reported && ret != ORCH_EXIT_USAGE) {
		/* Stopped before any branch was looked at: programs still get an object. */
		struct land_outcome o = { .exit_status = ret,
					  .result = ret == ORCH_EXIT_INTERRUPTED ? "interrupted" : "fatal",
					  .reason = "land could not start (see the messages on stderr)",
					  .jobs = a.jobs > 1 ? a.jobs : 1, .test_runs = -1 };

		land_report_json(&l.st, &o);
	}
	free(l.pinned);
	free(l.state_path);
	land_state_release(&l.st);
	orch_policy_release(&l.policy);
	git_repository_free(l.repo);
	return ret;
}

/* No flags: the landing keeps its repository and policy in its own struct (land.h) for its steps. */
ORCH_CMD_DEFINE(land, 0,
		"land [--onto BRANCH] [--pull] [--delete-branches] [--review] [-j N] [--keep-going] [--json] BRANCH...\n"
		"   or: orch-hooks land --ci REMOTE [--ci-timeout DURATION] [--onto BRANCH] [--json] BRANCH...\n"
		"   or: orch-hooks land (--continue | --skip | --abort) [--json]",
		"merge reviewed branches one at a time, testing between each (-j: N prefixes at once)");
