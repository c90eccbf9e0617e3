#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "exit-codes.h"
#include "land-ci.h"
#include "land-prefix.h"
#include "land-report.h"
#include "land-step.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "test-record.h"

/* Each git command's own bound: a hung transport must not outlive the whole wait. */
#define GIT_STEP_TIMEOUT_S 300

struct ci_run {
	struct lander *l;
	const struct land_ci_opts *o;
	char *run;		/* ONTO/EPOCH-PID: this run's candidate refs */
	char *base_ref;		/* local private refs, deleted at the end */
	char *notes_ref;
	git_oid base;		/* the remote's ONTO when we started */
	struct land_prefix_result prefix;
	size_t nr;		/* candidates: the steps that made (or kept) a commit */
	int pushed;		/* the candidate refs are on the remote */
	struct orch_tests_result *judged;	/* per candidate; kind NONE while CI is silent */
	git_oid notes;		/* the remote's tests notes as last fetched */
	char *signers;
	char *fetch_error;	/* git's last line when the last fetch of the records failed */
	int interrupted;	/* a signal arrived while a fetch of the records ran */
	double started;
};

/* A git command; its output goes to stderr. PASS_ON: Ctrl-C stops it; SHIELD: it finishes. */
static int git(enum land_step_mode mode, const char *const *argv)
{
	struct land_step s = LAND_STEP_INIT;

	s.argv = argv;
	s.mode = mode;
	s.timeout_s = GIT_STEP_TIMEOUT_S;
	return land_step_run(&s);
}

static char *candidate_ref(const struct ci_run *c, size_t k)
{
	return xasprintf("refs/orch/candidates/%s/%zu", c->run, k + 1);
}

/* git push [--atomic] REMOTE SPEC...: the specs are freed. */
static int push(const struct ci_run *c, int atomic, enum land_step_mode mode, char **specs, size_t n)
{
	const char **argv = xcalloc(n + 6, sizeof(*argv));
	size_t i, a = 0;
	int r;

	argv[a++] = "git";
	argv[a++] = "push";
	argv[a++] = "-q";
	if (atomic)
		argv[a++] = "--atomic";
	argv[a++] = c->o->remote;
	for (i = 0; i < n; i++)
		argv[a++] = specs[i];
	r = git(mode, argv);
	for (i = 0; i < n; i++)
		free(specs[i]);
	free(argv);
	return r;
}

/* git fetch REMOTE +SRC:DST, then DST's id into *out. 0, or -1 (git said why). */
static int fetch(const struct ci_run *c, const char *src, const char *dst, git_oid *out)
{
	char *spec = xasprintf("+%s:%s", src, dst);
	const char *argv[] = { "git", "fetch", "-q", "--no-tags", "--no-write-fetch-head", c->o->remote, spec, NULL };
	int r = git(LAND_STEP_PASS_ON, argv);

	free(spec);
	if (r != 0)
		return -1;
	return git_reference_name_to_id(out, c->l->repo, dst) < 0 ? orch_git_error("cannot read '%s'", dst) : 0;
}

/* Fetches the remote's records quietly (the wait prints its own progress). 0 or -1. */
static int fetch_records(struct ci_run *c)
{
	char *spec = xasprintf("+%s:%s", c->l->policy.tests_ref, c->notes_ref);
	const char *argv[] = { "git", "fetch", "-q", "--no-tags", "--no-write-fetch-head", c->o->remote, spec, NULL };
	struct orch_run_opts ro = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	int r;

	ro.argv = argv;
	ro.timeout_ms = GIT_STEP_TIMEOUT_S * 1000;
	r = orch_run(&ro, &res);
	if (res.interrupted || orch_run_pending_signal())
		c->interrupted = 1;
	free(c->fetch_error);
	c->fetch_error = NULL;
	if (r == 0 && git_reference_name_to_id(&c->notes, c->l->repo, c->notes_ref) < 0)
		r = orch_git_error("cannot read '%s'", c->notes_ref);
	else if (r < 0 && strstr(orch_run_tail(&res, 1), "couldn't find remote ref"))
		c->fetch_error = xstrdup("the remote has no test records yet");
	else if (r < 0)
		c->fetch_error = xstrndup(orch_run_tail(&res, 1), strcspn(orch_run_tail(&res, 1), "\n"));
	orch_run_result_release(&res);
	free(spec);
	return r;
}

static int stopping(const struct ci_run *c)
{
	return c->interrupted || land_interrupted();
}

/* ---- the candidates ------------------------------------------------------ */

static int build_prefixes(struct ci_run *c)
{
	struct land_state *st = &c->l->st;
	struct land_prefix_entry *e = xcalloc(st->nr, sizeof(*e));
	struct land_prefix_opts po = LAND_PREFIX_OPTS_INIT;
	size_t i;
	int r = -1;

	for (i = 0; i < st->nr; i++) {
		git_reference *ref = NULL;
		git_commit *tip = NULL;

		/* A branch, as land merges it: not a tag or a revision that happens to have its name. */
		if (git_branch_lookup(&ref, c->l->repo, st->items[i].branch, GIT_BRANCH_LOCAL) < 0 ||
		    git_reference_peel((git_object **)&tip, ref, GIT_OBJECT_COMMIT) < 0) {
			git_reference_free(ref);
			orch_git_error("no branch '%s' here", st->items[i].branch);
			goto done;
		}
		e[i].branch = st->items[i].branch;
		e[i].position = i + 1;
		git_oid_cpy(&e[i].tip, git_commit_id(tip));
		git_oid_cpy(&st->items[i].tip, &e[i].tip);
		git_commit_free(tip);
		git_reference_free(ref);
	}
	po.onto = st->onto;
	po.total = st->nr;
	r = land_prefix_build(c->l->repo, &c->l->policy, &po, &c->base, e, st->nr, &c->prefix);
	c->nr = c->prefix.nr - (size_t)c->prefix.stopped;
done:
	free(e);
	return r;
}

static int push_candidates(struct ci_run *c)
{
	char **specs = xcalloc(c->nr, sizeof(*specs));
	size_t k, n = 0;
	char *ref;

	for (k = 0; k < c->nr; k++) {
		ref = candidate_ref(c, k);
		specs[n++] = xasprintf("%s:%s", git_oid_tostr_s(&c->prefix.steps[k].commit), ref);
		free(ref);
	}
	orch_say("pushing %zu merge candidate%s to '%s' (refs/orch/candidates/%s/1..%zu) for CI", c->nr,
		 c->nr == 1 ? "" : "s", c->o->remote, c->run, c->nr);
	if (push(c, 1, LAND_STEP_SHIELD, specs, n) != 0) {
		free(specs);
		return orch_error("cannot push the merge candidates to '%s' (above); nothing landed", c->o->remote);
	}
	free(specs);
	c->pushed = 1;
	return 0;
}

/* Deletes the candidate refs on the remote and our private refs; run whatever happened. */
static void clean_up(struct ci_run *c)
{
	const char *const local[] = { c->base_ref, c->notes_ref };
	size_t k, i;

	if (c->pushed) {
		char **specs = xcalloc(c->nr, sizeof(*specs));

		for (k = 0; k < c->nr; k++) {
			char *ref = candidate_ref(c, k);

			specs[k] = xasprintf(":%s", ref);
			free(ref);
		}
		if (push(c, 0, LAND_STEP_SHIELD, specs, c->nr) != 0)
			orch_error("cannot delete the candidate refs refs/orch/candidates/%s/* on '%s'; delete "
				   "them by hand: git push %s --delete refs/orch/candidates/%s/1 ...", c->run,
				   c->o->remote, c->o->remote, c->run);
		free(specs);
		c->pushed = 0;
	}
	for (i = 0; i < 2; i++) {
		git_reference *ref = NULL;

		if (git_reference_lookup(&ref, c->l->repo, local[i]) == 0)
			git_reference_delete(ref);
		git_reference_free(ref);
	}
}

/* ---- waiting for CI -------------------------------------------------------- */

/* Judges every candidate CI has not answered yet, as the server will. 0 or -1. */
static int judge_new(struct ci_run *c)
{
	git_commit *notes = NULL;
	size_t k;

	if (git_commit_lookup(&notes, c->l->repo, &c->notes) < 0)
		return orch_git_error("cannot read the test records fetched from '%s'", c->o->remote);
	for (k = 0; k < c->nr; k++) {
		git_commit *tip = NULL;

		if (c->judged[k].kind != ORCH_TESTS_NONE)
			continue;
		if (git_commit_lookup(&tip, c->l->repo, &c->prefix.steps[k].commit) < 0) {
			git_commit_free(notes);
			return orch_git_error("cannot read candidate %zu", k + 1);
		}
		orch_tests_result_release(&c->judged[k]);
		orch_tests_judge(c->l->repo, c->l->policy.tests_ref, notes, tip, c->signers, NULL, &c->judged[k]);
		git_commit_free(tip);
	}
	git_commit_free(notes);
	return 0;
}

/* How many candidates in a row passed; *settled when the landing is decided (a non-PASS or all PASS). */
static size_t passing(const struct ci_run *c, int *settled, size_t *answered)
{
	size_t k, p = c->nr;

	*answered = 0;
	for (k = 0; k < c->nr; k++)
		*answered += c->judged[k].kind != ORCH_TESTS_NONE;
	for (k = 0; k < c->nr; k++)
		if (c->judged[k].kind != ORCH_TESTS_PASS) {
			p = k;
			break;
		}
	*settled = p == c->nr || c->judged[p].kind != ORCH_TESTS_NONE;
	return p;
}

static void nap_ms(unsigned ms)
{
	double until = orch_now() + ms / 1000.0;

	while (!land_interrupted() && orch_now() < until) {
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

/* Fetches the records until the landing is decided. 0 decided, 1 timed out, -1 interrupted or error. */
static int wait_for_ci(struct ci_run *c)
{
	double last_say = 0;
	size_t said = (size_t)-1, answered;
	int settled = 0;

	c->started = orch_now();
	for (;;) {
		if (fetch_records(c) == 0 && judge_new(c) < 0)
			return -1;
		passing(c, &settled, &answered);
		if (settled)
			return 0;
		if (stopping(c))
			return -1;
		if (orch_now() - c->started >= c->o->timeout_s)
			return 1;
		if (answered != said || orch_now() - last_say >= (c->l->heartbeat_s ? c->l->heartbeat_s : 10)) {
			orch_say("[%.0fs] waiting for CI: %zu of %zu candidates have a test record on '%s' "
				 "(timeout %us)%s%s", orch_now() - c->started, answered, c->nr, c->o->remote, c->o->timeout_s,
				 c->fetch_error ? "; " : "", c->fetch_error ? c->fetch_error : "");
			said = answered;
			last_say = orch_now();
		}
		nap_ms(c->o->poll_ms);
	}
}

/* ---- landing ----------------------------------------------------------------- */

/* Pushes ONTO to candidate p (1-based) with the notes judged, atomically. 0 or -1. */
static int push_target(struct ci_run *c, size_t p)
{
	char *ref = xasprintf("refs/heads/%s", c->l->st.onto);
	int tries, r = -1;

	for (tries = 0; tries < 3 && !stopping(c); tries++) {
		char *specs[2];
		git_oid tip;

		specs[0] = xasprintf("%s:%s", git_oid_tostr_s(&c->prefix.steps[p - 1].commit), ref);
		specs[1] = xasprintf("%s:%s", git_oid_tostr_s(&c->notes), c->l->policy.tests_ref);
		if (push(c, 1, LAND_STEP_SHIELD, specs, 2) == 0) {
			r = 0;
			break;
		}
		/* Records only grow, so CI may have added some meanwhile: again with those. Unless ONTO moved. */
		if (fetch(c, ref, c->base_ref, &tip) < 0 || !git_oid_equal(&tip, &c->base) || fetch_records(c) < 0)
			break;
	}
	free(ref);
	return r;
}

/* The local tests notes learn CI's records when they only gain (never rewritten here). */
static void keep_records(struct ci_run *c)
{
	git_oid mine;
	int err = git_reference_name_to_id(&mine, c->l->repo, c->l->policy.tests_ref);

	if (err == GIT_ENOTFOUND ||
	    (err == 0 && !git_oid_equal(&mine, &c->notes) &&
	     git_graph_descendant_of(c->l->repo, &c->notes, &mine) == 1)) {
		git_reference *ref = NULL;

		if (git_reference_create(&ref, c->l->repo, c->l->policy.tests_ref, &c->notes, 1,
					 "orch-hooks land --ci: CI's test records") < 0)
			orch_git_error("cannot update '%s' (CI's records stay on '%s')", c->l->policy.tests_ref,
				       c->o->remote);
		git_reference_free(ref);
	}
}

/* ---- the report ------------------------------------------------------------- */

static enum land_status stop_status(enum land_prefix_kind k)
{
	switch (k) {
	case LAND_PREFIX_NOT_REVIEWED: return LAND_NOT_REVIEWED;
	case LAND_PREFIX_REJECTED: return LAND_REJECTED;
	case LAND_PREFIX_CONFLICT: return LAND_CONFLICT;
	default: return LAND_REFUSED;
	}
}

static int stop_exit(enum land_prefix_kind k, const char **result)
{
	switch (k) {
	case LAND_PREFIX_NOT_REVIEWED:
	case LAND_PREFIX_REJECTED: *result = "not-reviewed"; return ORCH_LAND_NOT_REVIEWED;
	case LAND_PREFIX_CONFLICT: *result = "conflict"; return ORCH_LAND_CONFLICT;
	default: *result = "fatal"; return ORCH_EXIT_FATAL;
	}
}

/* What became of each branch: `landed` candidates are on the remote's ONTO now. */
static void fill_items(struct ci_run *c, size_t landed)
{
	size_t i;

	for (i = 0; i < c->l->st.nr; i++) {
		struct land_item *it = &c->l->st.items[i];
		const struct land_prefix_step *s = i < c->prefix.nr ? &c->prefix.steps[i] : NULL;

		if (!s)
			continue;
		land_set_str(&it->verdict, land_verdict_word(s->verdict));
		if (i >= c->nr) {
			it->status = stop_status(s->kind);
			land_set_str(&it->reason, s->detail);
			continue;
		}
		land_set_str(&it->tests, c->judged[i].kind == ORCH_TESTS_NONE ? "no CI result" :
			     c->judged[i].kind == ORCH_TESTS_PASS ? "PASS" :
			     c->judged[i].kind == ORCH_TESTS_FAIL ? "FAIL" : orch_tests_kind_name(c->judged[i].kind));
		if (i < landed) {
			it->status = s->kind == LAND_PREFIX_ALREADY ? LAND_ALREADY : LAND_LANDED;
			if (s->kind == LAND_PREFIX_MERGED)	/* doc/json.md: null when already in */
				git_oid_cpy(&it->merge, &s->commit);
		}
	}
}

static int report(struct ci_run *c, size_t landed, int exit_status, const char *result, long stopped,
		  const char *reason)
{
	struct land_outcome o = { .exit_status = exit_status, .result = result, .reason = reason,
				  .jobs = 1, .test_runs = -1 };

	fill_items(c, landed);
	if (stopped >= 0) {
		struct land_item *it = &c->l->st.items[stopped];

		o.stopped_at = it->branch;
		if (stopped < (long)c->nr && c->judged[stopped].kind != ORCH_TESTS_NONE &&
		    c->judged[stopped].kind != ORCH_TESTS_PASS)
			it->status = LAND_BROKE_TESTS;
		if (reason)
			land_set_str(&it->reason, reason);
	}
	if (c->o->json)
		land_report_json(&c->l->st, &o);
	else
		land_report_table(&c->l->st);
	c->l->reported = 1;
	return exit_status;
}

/* ---- the run ------------------------------------------------------------------ */

static int signers_readable(struct ci_run *c)
{
	c->signers = orch_policy_resolve_path(&c->l->policy, c->l->policy.test_signers);
	if (c->signers && access(c->signers, R_OK) == 0)
		return 0;
	if (!c->signers)
		orch_error("land --ci checks CI's test records, and [server] test_signers (the CI runners' "
			   "keys) is not set in %s; nothing was pushed, nothing landed", c->l->policy.path);
	else
		orch_error("land --ci checks CI's test records, and the [server] test_signers file '%s' "
			   "cannot be read: %s; nothing was pushed, nothing landed", c->signers, strerror(errno));
	return -1;
}

/* The candidates CI must answer: a step that kept the remote's ONTO as it is needs no test. */
static void start_judging(struct ci_run *c)
{
	size_t k;

	c->judged = xcalloc(c->nr ? c->nr : 1, sizeof(*c->judged));
	for (k = 0; k < c->nr; k++) {
		c->judged[k].kind = ORCH_TESTS_NONE;
		if (git_oid_equal(&c->prefix.steps[k].commit, &c->base))
			c->judged[k].kind = ORCH_TESTS_PASS;
	}
}

static char *timeout_reason(const struct ci_run *c, size_t k)
{
	const struct land_prefix_step *s = &c->prefix.steps[k];

	return xasprintf("no CI test record for candidate %zu (commit %s, tree %.12s, '%s' merged) on '%s' "
			 "after %us%s%s; nothing landed ([ci] timeout, --ci-timeout)", k + 1, orch_short_oid(&s->commit),
			 git_oid_tostr_s(&s->tree), c->l->st.items[k].branch, c->o->remote, c->o->timeout_s,
			 c->fetch_error ? "; the last fetch of the records said: " : "",
			 c->fetch_error ? c->fetch_error : "");
}

/* Lands what CI passed; returns the exit status, the report printed. */
static int land_decided(struct ci_run *c)
{
	int settled;
	size_t answered, p = passing(c, &settled, &answered);
	char *reason = NULL;
	const char *result = "landed";
	long stopped = -1;
	int ret = ORCH_EXIT_OK;

	if (p && !git_oid_equal(&c->prefix.steps[p - 1].commit, &c->base)) {
		orch_say("CI passed %zu of %zu candidates: pushing '%s' to candidate %zu with the test records",
			 p, c->nr, c->l->st.onto, p);
		if (push_target(c, p) < 0) {
			clean_up(c);
			orch_error("the landing push to '%s' failed (above); nothing landed", c->o->remote);
			return report(c, 0, ORCH_EXIT_FATAL, "fatal", -1, "the landing push failed");
		}
		keep_records(c);
		orch_say("'%s' on '%s' is now %s (%zu branch%s landed); this clone's branches did not move: "
			 "git pull --ff-only", c->l->st.onto, c->o->remote,
			 orch_short_oid(&c->prefix.steps[p - 1].commit), p, p == 1 ? "" : "es");
	}
	clean_up(c);
	if (p < c->nr) {
		const struct orch_tests_result *j = &c->judged[p];

		reason = xasprintf("CI: %s on candidate %zu: %s", orch_tests_kind_name(j->kind), p + 1, j->detail);
		orch_error("'%s' did not land: %s", c->l->st.items[p].branch, reason);
		result = "tests-failed";
		ret = ORCH_LAND_TESTS_FAILED;
		stopped = (long)p;
	} else if (c->prefix.stopped) {
		ret = stop_exit(c->prefix.steps[c->nr].kind, &result);
		stopped = (long)c->nr;
		orch_error("'%s' did not land: %s", c->l->st.items[c->nr].branch, c->prefix.steps[c->nr].detail);
	}
	ret = report(c, p, ret, result, stopped, reason);
	free(reason);
	return ret;
}

static int run(struct ci_run *c)
{
	char *onto_ref = xasprintf("refs/heads/%s", c->l->st.onto), *reason;
	const char *result;
	int r, ret;

	if (signers_readable(c) < 0)
		goto fatal;
	if (fetch(c, onto_ref, c->base_ref, &c->base) < 0) {
		orch_error("cannot fetch '%s' from '%s' (above); nothing was pushed, nothing landed",
			   c->l->st.onto, c->o->remote);
		goto fatal;
	}
	if (build_prefixes(c) < 0)
		goto fatal;
	start_judging(c);
	if (!c->nr) {
		ret = stop_exit(c->prefix.steps[0].kind, &result);
		orch_error("'%s' did not land: %s", c->l->st.items[0].branch, c->prefix.steps[0].detail);
		clean_up(c);
		free(onto_ref);
		return report(c, 0, ret, result, 0, NULL);
	}
	if (push_candidates(c) < 0)
		goto fatal;
	r = wait_for_ci(c);
	free(onto_ref);
	if (r == 0)
		return land_decided(c);
	clean_up(c);
	if (stopping(c)) {
		orch_say("land --ci stopped: the candidate refs are deleted, nothing landed");
		return report(c, 0, ORCH_EXIT_INTERRUPTED, "interrupted", -1, "interrupted while CI tested; nothing landed");
	}
	if (r < 0)
		return report(c, 0, ORCH_EXIT_FATAL, "fatal", -1, "see the messages on stderr; nothing landed");
	{
		int settled;
		size_t answered, k = passing(c, &settled, &answered);

		reason = timeout_reason(c, k);
		orch_error("%s", reason);
		ret = report(c, 0, ORCH_LAND_CI_TIMEOUT, "ci-timeout", (long)k, reason);
		free(reason);
		return ret;
	}
fatal:
	free(onto_ref);
	clean_up(c);
	if (stopping(c))
		return report(c, 0, ORCH_EXIT_INTERRUPTED, "interrupted", -1, "interrupted; nothing landed");
	return report(c, 0, ORCH_EXIT_FATAL, "fatal", -1, "land --ci could not start (see the messages on stderr)");
}

int land_ci_run(struct lander *l, const struct land_ci_opts *o)
{
	struct ci_run c = { .l = l, .o = o, .prefix = LAND_PREFIX_RESULT_INIT };
	size_t k;
	int ret;

	c.run = xasprintf("%s/%ld-%ld", l->st.onto, (long)time(NULL), (long)getpid());
	c.base_ref = xasprintf("refs/orch/land-ci/%s/base", c.run);
	c.notes_ref = xasprintf("refs/orch/land-ci/%s/tests", c.run);
	ret = run(&c);
	for (k = 0; c.judged && k < c.nr; k++)
		orch_tests_result_release(&c.judged[k]);
	free(c.judged);
	land_prefix_result_release(&c.prefix);
	free(c.signers);
	free(c.fetch_error);
	free(c.notes_ref);
	free(c.base_ref);
	free(c.run);
	return ret;
}
