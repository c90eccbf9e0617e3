/*
 * land -j N: speculative landing. The queue's prefix merges (src/land-prefix.h)
 * are built on the target's tip, each on the one before, and tested up to N
 * at once in worktrees of their own; the target then moves, in one step, to
 * the merge of the longest prefix whose every merge passed: the very commits
 * that were tested. A breaker stops the run as in sequential land (with
 * --keep-going it is dropped, and what follows it is merged and tested
 * again on the new tip); a conflict or a missing verdict is handed to the
 * sequential step, so it stops exactly as sequential land stops.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "exit-codes.h"
#include "land.h"
#include "land-advance.h"
#include "land-pool.h"
#include "land-prefix.h"
#include "land-record.h"
#include "land-scratch.h"
#include "land-step.h"
#include "land-tree.h"
#include "repo.h"
#include "run.h"
#include "strbuf.h"
#include "test-record.h"

#define RULE "================================================================"

enum spec_state { SPEC_UNTESTED, SPEC_RUNNING, SPEC_PASSED, SPEC_FAILED, SPEC_STOPPED };

/* What became of one prefix's test. */
struct spec_test {
	enum spec_state state;
	char *worktree;
	int reused;
	struct land_pool_done done;	/* its result (how, tail) */
};

/* One round: the prefixes of what is left, on the target's tip as it is now. */
struct round {
	struct lander *l;
	git_oid base;
	size_t *idx;			/* the queue's index of each entry */
	struct land_prefix_entry *e;
	size_t n;
	long missing;			/* a branch that does not exist (the entries end before it), or -1 */
	struct land_prefix_result pr;
	size_t testable;		/* the steps before a stop */
	struct spec_test *t;
	long fail_at;			/* the first step whose tests failed, or -1 */
	long error_at;			/* the first step that could not be tested, or -1 */
	size_t next;			/* the next step to start */
};

static int stop_requested(void)
{
	return land_interrupted() != 0;
}

/* Is branch i still to land in this round? A breaker --keep-going dropped is not. */
static int pending(const struct lander *l, size_t i)
{
	enum land_status s = l->st.items[i].status;

	return !land_is_done(s) && !(l->st.keep_going && s == LAND_BROKE_TESTS);
}

/* The entries: every branch still to land, at the tip pinned when this invocation first read it. */
static int round_init(struct round *rd, struct lander *l)
{
	size_t i;

	char *current = orch_repo_current_branch(l->repo);
	int on_target = current && !strcmp(current, l->st.onto);

	free(current);
	memset(rd, 0, sizeof(*rd));
	rd->l = l;
	rd->missing = rd->fail_at = rd->error_at = -1;
	/* The prefixes sit on the target's tip, checked out here: it is what moves in the end. */
	if (!on_target)
		return orch_error("HEAD is not on '%s' any more; switch back to it (git switch %s), then: "
				  "orch-hooks land --continue", l->st.onto, l->st.onto);
	if (land_head_oid(l->repo, &rd->base) < 0)
		return orch_git_error("cannot read HEAD");
	rd->idx = xcalloc(l->st.nr + 1, sizeof(*rd->idx));
	rd->e = xcalloc(l->st.nr + 1, sizeof(*rd->e));
	for (i = 0; i < l->st.nr; i++) {
		struct land_item *it = &l->st.items[i];

		if (!pending(l, i))
			continue;
		if (!l->pinned[i]) {
			git_reference *ref = NULL;

			if (git_branch_lookup(&ref, l->repo, it->branch, GIT_BRANCH_LOCAL) < 0) {
				rd->missing = (long)i;
				break;
			}
			/* Pinned: what is judged, built, tested and landed is this commit, wherever the name goes. */
			git_oid_cpy(&it->tip, git_reference_target(ref));
			git_reference_free(ref);
			l->pinned[i] = 1;
		}
		rd->idx[rd->n] = i;
		rd->e[rd->n].branch = it->branch;
		git_oid_cpy(&rd->e[rd->n].tip, &it->tip);
		rd->e[rd->n++].position = i + 1;
	}
	return 0;
}

static void round_release(struct round *rd)
{
	size_t i;

	for (i = 0; rd->t && i < rd->pr.nr; i++) {
		free(rd->t[i].worktree);
		free(rd->t[i].done.tail);
	}
	free(rd->t);
	land_prefix_result_release(&rd->pr);
	free(rd->e);
	free(rd->idx);
}

static int round_build(struct round *rd)
{
	struct lander *l = rd->l;
	struct land_prefix_opts o = LAND_PREFIX_OPTS_INIT;
	size_t s;

	o.onto = l->st.onto;
	o.total = l->st.nr;
	orch_say("building the merges of %zu branch%s onto '%s' (%s), each on the one before", rd->n,
		 rd->n == 1 ? "" : "es", l->st.onto, orch_short_oid(&rd->base));
	if (land_prefix_build(l->repo, &l->policy, &o, &rd->base, rd->e, rd->n, &rd->pr) < 0)
		return -1;
	if (orch_run_pending_signal())
		raise(orch_run_pending_signal());	/* a Ctrl-C git's commands swallowed is land's too */
	rd->testable = rd->pr.nr - (size_t)rd->pr.stopped;
	rd->t = xcalloc(rd->pr.nr + 1, sizeof(*rd->t));
	for (s = 0; s < rd->pr.nr; s++) {
		struct land_item *it = &l->st.items[rd->idx[s]];

		land_set_str(&it->verdict, land_verdict_word(rd->pr.steps[s].verdict));
		if (rd->pr.steps[s].kind == LAND_PREFIX_MERGED)
			orch_say("[%zu/%zu] '%s' merged as %s: the prefix of %zu", rd->idx[s] + 1, l->st.nr,
				 it->branch, orch_short_oid(&rd->pr.steps[s].commit), rd->pr.steps[s].merges);
	}
	return 0;
}

/* "NAME=value" entries the test command gets, NULL-terminated (caller frees each). */
static void test_env(const struct round *rd, size_t s, const char *worktree, char **env)
{
	const struct land_prefix_step *st = &rd->pr.steps[s];
	char tip[GIT_OID_HEXSZ + 1], below[GIT_OID_HEXSZ + 1], merge[GIT_OID_HEXSZ + 1];

	env[0] = xasprintf("ORCH_TARGET=%s", rd->l->st.onto);
	env[1] = xasprintf("ORCH_MERGED=%s", git_oid_tostr(tip, sizeof(tip), &rd->e[s].tip));
	env[2] = xasprintf("ORCH_ORIG_HEAD=%s", git_oid_tostr(below, sizeof(below), &st->below));
	env[3] = xasprintf("ORCH_MERGE_COMMIT=%s", git_oid_tostr(merge, sizeof(merge), &st->commit));
	env[4] = xstrdup("ORCH_FAST_FORWARD=0");
	env[5] = xstrdup("ORCH_HOOK=land");
	env[6] = xasprintf("ORCH_WORKTREE=%s", worktree);
	env[7] = xasprintf("ORCH_PREFIX=%zu", st->merges);
	env[8] = NULL;
}

/* A PASS already recorded for this tree and command: recorded on the merge too, no run. */
static int reuse(struct round *rd, size_t s)
{
	struct lander *l = rd->l;
	const struct land_prefix_step *st = &rd->pr.steps[s];
	struct land_record_result res = { .passed = 1, .exit = "0", .action = "reused",
		.body = "reused the PASS recorded for this tree under the same command" };

	if (!l->policy.test_reuse || orch_test_record_find_reusable(l->repo, &l->policy, NULL, &st->tree, NULL) != 1)
		return 0;
	if (land_record_test(l->repo, &l->policy, l->st.onto, &st->commit, &rd->e[s].tip, &res) < 0)
		return 0;
	orch_say("[%zu/%zu] the prefix of %zu ('%s' on top): REUSED the PASS recorded for its tree %s",
		 rd->idx[s] + 1, l->st.nr, st->merges, rd->e[s].branch, orch_short_oid(&st->tree));
	rd->t[s].state = SPEC_PASSED;
	rd->t[s].reused = 1;
	return 1;
}

/* Starts the test of step s (or settles it at once: nothing to merge, nothing to run, reused). */
static void start_step(struct round *rd, struct land_pool *pool, size_t s)
{
	struct lander *l = rd->l;
	const struct land_prefix_step *st = &rd->pr.steps[s];
	struct land_pool_job job = { .id = s };
	char *env[9], *label;
	size_t k;

	if (st->kind == LAND_PREFIX_ALREADY || !*l->policy.test_command || reuse(rd, s)) {
		rd->t[s].state = SPEC_PASSED;
		return;
	}
	if (land_scratch_add(l->repo, s + 1, &st->commit, &rd->t[s].worktree) < 0) {
		rd->error_at = (long)s;
		return;
	}
	test_env(rd, s, rd->t[s].worktree, env);
	label = xasprintf("'%s': the prefix of %zu, in %s", rd->e[s].branch, st->merges, rd->t[s].worktree);
	job.shell_command = l->policy.test_command;
	job.cwd = rd->t[s].worktree;
	job.env = (const char *const *)env;
	job.timeout_ms = l->policy.test_timeout * 1000u;
	job.label = label;
	orch_say("[%zu/%zu] testing %s", rd->idx[s] + 1, l->st.nr, label);
	if (land_pool_start(pool, &job) < 0) {
		rd->error_at = (long)s;
	} else {
		rd->t[s].state = SPEC_RUNNING;
		l->test_runs++;
	}
	for (k = 0; env[k]; k++)
		free(env[k]);
	free(label);
}

/* A test ended: its result is recorded by tree, a failure stops what is above it. */
static void finish_step(struct round *rd, struct land_pool *pool, struct land_pool_done *d)
{
	struct lander *l = rd->l;
	size_t s = d->id, k;
	const struct land_prefix_step *st = &rd->pr.steps[s];
	struct land_record_result res = { .passed = d->passed, .exit = d->exit, .seconds = d->seconds,
					   .action = "none", .body = d->tail };

	rd->t[s].done = *d;
	if (d->stopped) {
		rd->t[s].state = SPEC_STOPPED;
		return;
	}
	if (land_record_test(l->repo, &l->policy, l->st.onto, &st->commit, &rd->e[s].tip, &res) < 0) {
		rd->error_at = rd->error_at < 0 || (long)s < rd->error_at ? (long)s : rd->error_at;
		return;
	}
	rd->t[s].state = d->passed ? SPEC_PASSED : SPEC_FAILED;
	orch_say("[%zu/%zu] the prefix of %zu ('%s' on top): tests %s (%.1fs)", rd->idx[s] + 1, l->st.nr,
		 st->merges, rd->e[s].branch, d->passed ? "PASSED" : "FAILED", d->seconds);
	if (d->passed || (rd->fail_at >= 0 && (long)s > rd->fail_at))
		return;
	rd->fail_at = (long)s;
	/* Every prefix above holds the breaker: their results would say nothing. */
	for (k = s + 1; k < rd->pr.nr; k++)
		if (rd->t[k].state == SPEC_RUNNING)
			land_pool_cancel(pool, k);
}

/* Runs the tests, up to N at once, lowest prefix first. */
static void round_test(struct round *rd)
{
	struct land_pool *pool = land_pool_new(rd->l->st.jobs, rd->l->heartbeat_s);
	struct land_pool_done d;
	long done = -1;

	for (;;) {
		while (!stop_requested() && rd->error_at < 0 && rd->next < rd->testable &&
		       (rd->fail_at < 0 || (long)rd->next < rd->fail_at) && land_pool_room(pool))
			start_step(rd, pool, rd->next++);
		if (done >= 0)	/* after the next test started: it need not wait for this */
			land_scratch_remove(rd->l->repo, rd->t[done].worktree);
		done = -1;
		if (!land_pool_wait(pool, &d, stop_requested))
			break;
		finish_step(rd, pool, &d);
		done = (long)d.id;
	}
	if (done >= 0)
		land_scratch_remove(rd->l->repo, rd->t[done].worktree);
	land_pool_free(pool);
}

/* The last step of the longest prefix that passed, or -1. */
static long green_end(const struct round *rd)
{
	long g = -1;

	while ((size_t)(g + 1) < rd->testable && rd->t[g + 1].state == SPEC_PASSED)
		g++;
	return g;
}

/* The branches of steps 0..g are in the target now: say so, and clean up after them. */
static void mark_landed(struct round *rd, long g)
{
	struct lander *l = rd->l;
	long s;

	for (s = 0; s <= g; s++) {
		const struct land_prefix_step *st = &rd->pr.steps[s];
		struct land_item *it = &l->st.items[rd->idx[s]];

		land_set_str(&it->reason, NULL);
		if (st->kind == LAND_PREFIX_ALREADY) {
			it->status = LAND_ALREADY;
		} else {
			it->status = LAND_LANDED;
			git_oid_cpy(&it->merge, &st->commit);
			git_oid_cpy(&it->orig, &st->below);
			it->prefix = st->merges;
			it->seconds += rd->t[s].done.seconds;
			land_set_str(&it->tests, !*l->policy.test_command ? "not run" :
					    rd->t[s].reused ? "PASS (reused)" : "PASS");
		}
		land_say_outcome(l, it, rd->idx[s]);
		if (it->status == LAND_ALREADY)
			orch_say("[%zu/%zu] '%s' (%s) is already in '%s': nothing to merge or test", rd->idx[s] + 1,
				 l->st.nr, it->branch, orch_short_oid(&it->tip), l->st.onto);
		land_clean_up_branch(l->repo, it->branch, l->st.delete_branches);
	}
	if (g >= 0) {
		const char *prune[] = { "git", "worktree", "prune", NULL };

		land_git_shielded(prune);
	}
	land_state_save(&l->st, l->state_path);
}

/* Moves the target to the last green step's commit. 0, or -1 when it could not (the run stops). */
static int advance(struct round *rd, long g)
{
	struct lander *l = rd->l;
	const git_oid *to = &rd->pr.steps[g].commit;
	char *why;
	int r;

	if (git_oid_equal(to, &rd->base))
		return 0;
	why = xasprintf("orch-hooks land -j %u: the tested prefix of %zu merges", l->st.jobs,
			rd->pr.steps[g].merges);
	r = land_advance(l->repo, l->st.onto, &rd->base, to, why);
	free(why);
	if (r == 0) {
		orch_say("'%s' moved from %s to %s: the tested merges of %ld branch%s", l->st.onto,
			 orch_short_oid(&rd->base), orch_short_oid(to), g + 1, g ? "es" : "");
		return 0;
	}
	orch_say("  nothing landed in this round; the results are recorded by tree, so "
		 "'orch-hooks land --continue' builds on the new tip and tests only what changed");
	l->result = "fatal";
	l->exit_status = ORCH_EXIT_FATAL;
	l->reason = r == 1 ? "the target moved (or changes were in the way) while land was testing; nothing "
			     "landed over it" : "the target could not be moved (see the messages on stderr)";
	return -1;
}

/* The breaker: stopped as sequential land stops at it. */
static void stop_at_breaker(struct round *rd)
{
	struct lander *l = rd->l;
	size_t s = (size_t)rd->fail_at;
	const struct land_prefix_step *st = &rd->pr.steps[s];
	struct land_item *it = &l->st.items[rd->idx[s]];
	const struct land_pool_done *d = &rd->t[s].done;
	char *reason = xasprintf("the tests failed on its merge %s (the prefix of %zu): %s; nothing of it landed",
				 orch_short_oid(&st->commit), st->merges, d->how);
	const char *p;

	orch_say(RULE);
	orch_say("TESTS FAILED on the merge of '%s' (%s) onto '%s' (the prefix of %zu)", it->branch,
		 orch_short_oid(&it->tip), l->st.onto, st->merges);
	orch_say("  the merge is commit %s; test command: %s", git_oid_tostr_s(&st->commit), l->policy.test_command);
	orch_say("  result: %s (after %.1fs); last lines of its output:", d->how, d->seconds);
	for (p = d->tail ? d->tail : ""; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n'))
		orch_say("  | %.*s", (int)strcspn(p, "\n"), p);
	orch_say(RULE);
	it->prefix = st->merges;
	it->seconds += d->seconds;
	land_set_str(&it->tests, "FAIL");
	land_stop_item(l, it, LAND_BROKE_TESTS, reason);
	land_say_outcome(l, it, rd->idx[s]);
	if (l->st.keep_going)
		orch_say("--keep-going: '%s' is dropped; what follows it is merged and tested again on '%s'",
			 it->branch, l->st.onto);
	land_state_save(&l->st, l->state_path);
	free(reason);
}

/* After the round's tests: land the green prefix, then decide. 1: another round; 0: all done; -1: stop. */
static int round_land(struct round *rd)
{
	struct lander *l = rd->l;
	long g;

	if (stop_requested())
		return -1;	/* nothing moves; every result is recorded by tree for --continue */
	g = green_end(rd);
	if (g >= 0 && advance(rd, g) < 0)
		return -1;
	mark_landed(rd, g);
	if (rd->fail_at >= 0 && rd->fail_at == g + 1) {
		stop_at_breaker(rd);
		return l->st.keep_going ? 1 : -1;
	}
	if (rd->error_at >= 0 && rd->error_at == g + 1) {
		land_stop_item(l, &l->st.items[rd->idx[g + 1]], LAND_REFUSED,
			       "its merge could not be tested or recorded (see above)");
		land_state_save(&l->st, l->state_path);
		return -1;
	}
	if ((size_t)(g + 1) < rd->testable)
		return -1;
	/* A stop the build found (no PASS, a FAIL, a conflict): the sequential step makes it, as ever. */
	if (rd->pr.stopped)
		return land_one(l, rd->idx[rd->pr.nr - 1], 1) == 0 ? 1 : -1;
	if (rd->missing >= 0)
		return land_one(l, (size_t)rd->missing, 0) == 0 ? 1 : -1;
	return 0;
}

static int round_run(struct lander *l)
{
	struct round rd;
	int r = -1;

	if (round_init(&rd, l) < 0)
		goto done;
	if (!rd.n) {
		r = rd.missing >= 0 ? (land_one(l, (size_t)rd.missing, 0) == 0 ? 1 : -1) : 0;
		goto done;
	}
	if (round_build(&rd) < 0)
		goto done;
	if (stop_requested())
		goto done;
	round_test(&rd);
	r = round_land(&rd);
done:
	round_release(&rd);
	return r;
}

int land_spec_run(struct lander *l)
{
	int r;

	if (land_scratch_claim(l->repo) < 0) {
		l->result = "fatal";
		l->exit_status = ORCH_EXIT_FATAL;
		l->reason = "another land is testing in this worktree's git directory";
		return -1;
	}
	do
		r = round_run(l);
	while (r > 0 && !stop_requested());
	land_scratch_release(l->repo);
	return r > 0 ? -1 : r;
}
