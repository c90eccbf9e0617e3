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
#include "handoff.h"
#include "land-report.h"
#include "land-review.h"
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
#include "verdict.h"

struct lander {
	git_repository *repo;
	struct orch_policy policy;
	struct land_state st;
	char *state_path;
	unsigned heartbeat_s;
	const char *result;	/* why the run ended, for the report */
	int exit_status;
	int reported;		/* finish() printed the outcome */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

static int head_oid(git_repository *repo, git_oid *out)
{
	return git_reference_name_to_id(out, repo, "HEAD");
}

/*
 * The one place land asks whether a verdict counts. A "stale" verdict must
 * be on an earlier commit of this branch: a reviewed commit that is already
 * in the target (the branch was started after a fast-forward landing) says
 * nothing about this branch, so that is no verdict at all.
 */
static int judge_branch(struct lander *l, const git_oid *tip, struct orch_judgement_result *j)
{
	git_oid head;
	const struct orch_history_bound bound = ORCH_HISTORY_BOUND_TIP(&head);
	int have_head = head_oid(l->repo, &head) == 0;

	orch_trust_judge(l->repo, &l->policy, ORCH_TRUST_LOCAL, NULL, tip, j);
	orch_trust_explain_missing(l->repo, &l->policy, ORCH_TRUST_LOCAL, NULL, tip, have_head ? &bound : NULL,
				   j, NULL);
	return 0;
}

/* What the test gate recorded for a merge commit ("PASS", "FAIL", "not run", "not recorded"). */
static char *tests_result(struct lander *l, const git_oid *merge)
{
	char *text = NULL, *word;
	size_t len;
	const char *p;

	if (orch_note_text(l->repo, l->policy.tests_ref, NULL, merge, &text, &len) <= 0)
		return xstrdup(*l->policy.test_command ? "not recorded" : "not run");
	p = strstr(text, "Tests: ");
	word = p ? xstrndup(p + 7, strcspn(p + 7, "\n")) : xstrdup("recorded");
	if (strstr(text, "\nAction: reused\n")) {
		char *w = xasprintf("%s (reused)", word);

		free(word);
		word = w;
	}
	free(text);
	return word;
}

static int tests_passed(const char *word)
{
	return !strncmp(word, "PASS", 4) || !strcmp(word, "not run");
}

static void stop_item(struct lander *l, struct land_item *it, enum land_status status, const char *reason)
{
	it->status = status;
	set_str(&it->reason, reason);
	if (head_oid(l->repo, &it->stop_head) < 0)
		memset(&it->stop_head, 0, sizeof(it->stop_head));
}

/* Takes back a merge whose tests did not pass, when the test gate could not. */
static void take_back_untested(struct lander *l, struct land_item *it, const git_oid *merge, int interrupted)
{
	git_oid back;

	if (orch_take_back(l->repo, ORCH_TAKE_BACK_UNDO, l->st.onto, merge, &it->orig,
			   "its tests did not run to the end", &back) == 0) {
		set_str(&it->tests, interrupted ? "interrupted" : "not run");
		stop_item(l, it, interrupted ? LAND_INTERRUPTED : LAND_REFUSED,
			  interrupted ? "interrupted before its tests finished; the merge was taken back" :
					"the merge was not tested (is the test gate installed?); it was taken back");
		return;
	}
	/* Left as "merging": --continue looks again, and never counts it as landed untested. */
	it->status = LAND_MERGING;
	set_str(&it->reason, "the untested merge could not be taken back (see above)");
}

/*
 * What a merge step left behind, decided from the repository itself (so a
 * crash or Ctrl-C at any point is judged the same way): landed and tested,
 * taken back, stopped in a conflict, or refused.
 */
static void settle(struct lander *l, struct land_item *it, int merge_ok, int interrupted)
{
	git_commit *head = NULL;
	git_oid h;

	if (land_merge_in_progress(l->repo)) {
		const char *abort_argv[] = { "git", "merge", "--abort", NULL };

		if (land_has_conflicts(l->repo)) {
			stop_item(l, it, LAND_CONFLICT, "the merge stopped with conflicts");
			return;
		}
		land_git_shielded(abort_argv);
	}
	if (head_oid(l->repo, &h) < 0 || git_commit_lookup(&head, l->repo, &h) < 0) {
		stop_item(l, it, LAND_REFUSED, "cannot read HEAD after the merge");
		return;
	}
	if (git_oid_equal(&h, &it->orig)) {
		if (interrupted)
			stop_item(l, it, LAND_INTERRUPTED, "interrupted; the target is as it was before this merge");
		else if (merge_ok)
			stop_item(l, it, LAND_BROKE_TESTS, "the test gate failed and took the merge back");
		else
			stop_item(l, it, LAND_REFUSED, "the merge was refused (see the messages above)");
		if (merge_ok && !interrupted)
			set_str(&it->tests, "FAIL");
	} else if (git_commit_parentcount(head) >= 2 && git_oid_equal(git_commit_parent_id(head, 0), &it->orig) &&
		   git_oid_equal(git_commit_parent_id(head, 1), &it->tip)) {
		char *tests = tests_result(l, &h);

		set_str(&it->tests, tests);
		if (tests_passed(tests)) {
			it->status = LAND_LANDED;
			git_oid_cpy(&it->merge, &h);
			set_str(&it->reason, NULL);
		} else if (!strcmp(tests, "not recorded")) {
			take_back_untested(l, it, &h, interrupted);
		} else {
			stop_item(l, it, LAND_BROKE_TESTS, "the tests failed and the test gate could not take "
				  "the merge back (see above)");
		}
		free(tests);
	} else {
		/* A revert on top: the test gate said no and kept the history. */
		set_str(&it->tests, "FAIL");
		stop_item(l, it, LAND_BROKE_TESTS, "the test gate failed and reverted the merge");
	}
	git_commit_free(head);
}

/* Why a branch without a valid PASS cannot land, with advice that does not loop. */
static void refuse_unreviewed(struct lander *l, struct land_item *it, const struct orch_judgement_result *j)
{
	char *quoted = orch_shell_quote(it->branch);
	char *why = xasprintf("%s%s%s", orch_judgement_name(j->kind), j->detail ? ": " : "",
			      j->detail ? j->detail : "");

	orch_error("'%s' (%s) cannot land: %s", it->branch, orch_short_oid(&it->tip), why);
	if (j->kind == ORCH_JUDGE_FAIL) {
		stop_item(l, it, LAND_REJECTED, why);
		orch_say("  the reviewer said FAIL: fix '%s' with a new commit, review it again "
			 "(orch-hooks review %s), then: orch-hooks land --continue", it->branch, quoted);
	} else {
		stop_item(l, it, LAND_NOT_REVIEWED, why);
		orch_say("  %s (orch-hooks review %s), then: orch-hooks land --continue",
			 orch_trust_fix_hint(j->kind), quoted);
	}
	orch_say("  or go on without it: orch-hooks land --skip");
	free(why);
	free(quoted);
}

static void run_merge(struct lander *l, struct land_item *it, size_t i)
{
	struct land_step s = LAND_STEP_INIT;
	char *msg = xasprintf("Merge branch '%s' into %s (orch-hooks land %zu/%zu)", it->branch, l->st.onto,
			      i + 1, l->st.nr);
	char *what = xasprintf("'%s' onto '%s' (%zu/%zu)", it->branch, l->st.onto, i + 1, l->st.nr);
	char tip[GIT_OID_HEXSZ + 1];
	/* The commit that was judged, not the name: a branch moved meanwhile must not slip in. */
	const char *argv[] = { "git", "merge", "--no-ff", "--no-edit", "-m", msg,
			       git_oid_tostr(tip, sizeof(tip), &it->tip), NULL };
	int rc;

	s.argv = argv;
	s.mode = LAND_STEP_MERGE;
	s.timeout_s = l->policy.test_timeout + 600;
	s.repo = l->repo;
	s.orig = &it->orig;
	s.what = what;
	s.heartbeat_s = l->heartbeat_s;
	rc = land_step_run(&s);
	settle(l, it, rc == 0, land_interrupted() != 0);
	free(what);
	free(msg);
}

static void say_outcome(struct lander *l, struct land_item *it, size_t i)
{
	if (it->status == LAND_LANDED) {
		orch_say("[%zu/%zu] '%s' landed as %s (tests: %s, %.1fs)", i + 1, l->st.nr, it->branch,
			 orch_short_oid(&it->merge), it->tests, it->seconds);
	} else if (it->status == LAND_BROKE_TESTS) {
		orch_error("[%zu/%zu] '%s' (%s) BROKE '%s': %s", i + 1, l->st.nr, it->branch,
			   orch_short_oid(&it->tip), l->st.onto, it->reason);
		orch_say("  the branches landed before it stay; fix '%s' with a new commit and review it, "
			 "then: orch-hooks land --continue   (or go on without it: orch-hooks land --skip)",
			 it->branch);
	} else if (it->status == LAND_CONFLICT) {
		orch_error("merging '%s' into '%s' stopped with conflicts:", it->branch, l->st.onto);
		land_list_conflicts(l->repo);
		orch_say("  resolve them, 'git add' the files and 'git commit' (the gates still apply),");
		orch_say("  then: orch-hooks land --continue   (or drop it: orch-hooks land --skip; "
			 "or give up: orch-hooks land --abort)");
	} else if (it->status == LAND_INTERRUPTED) {
		orch_error("[%zu/%zu] '%s': %s", i + 1, l->st.nr, it->branch, it->reason);
	} else if (it->status == LAND_REFUSED) {
		orch_error("the merge of '%s' was refused: %s; nothing was committed", it->branch,
			   it->reason ? it->reason : "see above");
	}
}

/* Lands branch i. Returns 0 when it is in the target, -1 when it stopped the run. */
static int land_one(struct lander *l, size_t i)
{
	struct land_item *it = &l->st.items[i];
	struct orch_judgement_result j;
	git_reference *ref = NULL;
	double start = now();
	git_oid head;
	int judged = 0;

	memset(&j, 0, sizeof(j));
	orch_say("[%zu/%zu] landing '%s' onto '%s'", i + 1, l->st.nr, it->branch, l->st.onto);
	if (git_branch_lookup(&ref, l->repo, it->branch, GIT_BRANCH_LOCAL) < 0 || head_oid(l->repo, &head) < 0) {
		orch_error("no branch '%s'", it->branch);
		stop_item(l, it, LAND_REFUSED, "no such branch");
		goto done;
	}
	git_oid_cpy(&it->tip, git_reference_target(ref));
	if (judge_branch(l, &it->tip, &j) < 0) {
		stop_item(l, it, LAND_REFUSED, "cannot read its verdict");
		goto done;
	}
	judged = 1;
	set_str(&it->verdict, land_verdict_word(j.kind));
	if (git_oid_equal(&it->tip, &head) || git_graph_descendant_of(l->repo, &head, &it->tip) == 1) {
		orch_say("[%zu/%zu] '%s' (%s) is already in '%s': nothing to merge or test", i + 1, l->st.nr,
			 it->branch, orch_short_oid(&it->tip), l->st.onto);
		it->status = LAND_ALREADY;
		set_str(&it->reason, NULL);
		goto done;
	}
	if (j.kind != ORCH_JUDGE_PASS) {
		refuse_unreviewed(l, it, &j);
		goto done;
	}
	git_oid_cpy(&it->orig, &head);
	it->status = LAND_MERGING;
	if (land_state_save(&l->st, l->state_path) < 0)
		goto done;
	run_merge(l, it, i);
done:
	it->seconds += now() - start;
	if (judged)
		orch_judgement_result_release(&j);
	git_reference_free(ref);
	say_outcome(l, it, i);
	land_state_save(&l->st, l->state_path);
	if (it->status == LAND_LANDED || it->status == LAND_ALREADY) {
		land_clean_up(l->repo, it->branch, l->st.delete_branches);
		return 0;
	}
	return -1;
}

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

static int is_done(enum land_status s)
{
	return s == LAND_LANDED || s == LAND_ALREADY || s == LAND_SKIPPED;
}

/* The branch that stopped the run (or is half-way), or -1. */
static long stopped_index(const struct land_state *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++)
		if (land_status_stops(st->items[i].status) || st->items[i].status == LAND_MERGING)
			return (long)i;
	return -1;
}

/* Ends the run: the report on stdout, the state kept while anything is left to do. */
static int finish(struct lander *l, int json)
{
	struct land_outcome o = { .exit_status = 0, .result = "landed" };
	long k = stopped_index(&l->st);
	size_t i, left = 0;

	for (i = 0; i < l->st.nr; i++)
		left += !is_done(l->st.items[i].status);
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

	if (is_done(it->status) || git_branch_lookup(&ref, l->repo, it->branch, GIT_BRANCH_LOCAL) < 0)
		return 0;
	git_oid_cpy(&tip, git_reference_target(ref));
	git_reference_free(ref);
	if (head_oid(l->repo, &head) < 0 || git_oid_equal(&tip, &head) ||
	    git_graph_descendant_of(l->repo, &head, &tip) == 1 || judge_branch(l, &tip, &j) < 0)
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

/* Lands every branch not done yet, in order; stops at the first that does not land. */
static int land_rest(struct lander *l, int json)
{
	size_t i;

	if (!land_interrupted() && review_queue(l) < 0)
		return finish(l, json);
	for (i = 0; i < l->st.nr; i++) {
		if (is_done(l->st.items[i].status))
			continue;
		if (land_interrupted() || land_one(l, i) < 0)
			break;
	}
	return finish(l, json);
}

/*
 * The merge that resolved the branch's conflict was undone by the content
 * rule (it carries changes of its own: src/content-rule.h). It lands once
 * the merge itself has a PASS, by a fast-forward to it, which the test gate
 * tests. Returns 1 when there is such a merge (it landed, or the item says
 * why not), 0 when there is none.
 */
static int settle_unreviewed_merge(struct lander *l, struct land_item *it)
{
	char *path = orch_handoff_path(git_repository_path(l->repo), ORCH_HANDOFF_UNREVIEWED_MERGE);
	char hex[GIT_OID_HEXSZ + 2] = "", *quoted;
	git_commit *c = NULL;
	git_oid m, h;
	int ret = 0;

	orch_handoff_unreviewed_read(git_repository_path(l->repo), hex);
	if ((it->status != LAND_CONFLICT && it->status != LAND_NOT_REVIEWED) || head_oid(l->repo, &h) < 0 ||
	    !git_oid_equal(&h, &it->orig) || git_oid_fromstrn(&m, hex, GIT_OID_HEXSZ) < 0 ||
	    git_commit_lookup(&c, l->repo, &m) < 0 || git_commit_parentcount(c) != 2 ||
	    !git_oid_equal(git_commit_parent_id(c, 0), &it->orig) || !git_oid_equal(git_commit_parent_id(c, 1), &it->tip))
		goto done;
	ret = 1;
	if (orch_content_rule_own_pass(l->repo, &l->policy, &m) <= 0) {
		quoted = orch_shell_quote(git_oid_tostr_s(&m));
		orch_error("'%s' cannot land yet: its merge %s carries changes of its own (a resolved "
			   "conflict or an edit) and has no PASS of its own", it->branch, orch_short_oid(&m));
		orch_say("  review the merge itself (orch-hooks review %s), then: orch-hooks land --continue",
			 quoted);
		free(quoted);
		stop_item(l, it, LAND_NOT_REVIEWED, "its merge carries changes of its own and has no PASS of its own");
		goto done;
	}
	{
		const char *argv[] = { "git", "merge", "--ff-only", hex, NULL };

		hex[GIT_OID_HEXSZ] = '\0';
		land_git_shielded(argv);
	}
	unlink(path);
	settle(l, it, 1, land_interrupted());
done:
	git_commit_free(c);
	free(path);
	return ret;
}

/* --continue on a branch that stopped the run: has anything changed since? */
static int unchanged_since_stop(struct lander *l, const struct land_item *it)
{
	struct orch_judgement_result j;
	git_reference *ref = NULL;
	git_oid head;
	int same;

	if (git_oid_is_zero(&it->stop_head) || head_oid(l->repo, &head) < 0 ||
	    !git_oid_equal(&head, &it->stop_head) ||
	    git_branch_lookup(&ref, l->repo, it->branch, GIT_BRANCH_LOCAL) < 0)
		return 0;
	same = git_oid_equal(git_reference_target(ref), &it->tip);
	git_reference_free(ref);
	if (same && (it->status == LAND_NOT_REVIEWED || it->status == LAND_REJECTED)) {
		if (judge_branch(l, &it->tip, &j) < 0)
			return 0;
		same = it->verdict && !strcmp(land_verdict_word(j.kind), it->verdict);
		orch_judgement_result_release(&j);
	}
	return same;
}

/* A merge the person finished (a resolved conflict), or one a crash left: what became of it? */
static void settle_half_way(struct lander *l, struct land_item *it)
{
	git_oid h;

	if ((it->status != LAND_CONFLICT && it->status != LAND_MERGING) || head_oid(l->repo, &h) < 0 ||
	    git_oid_equal(&h, &it->orig))
		return;
	settle(l, it, 1, 0);
	land_state_save(&l->st, l->state_path);
	if (it->status == LAND_LANDED) {
		orch_say("'%s' landed as %s", it->branch, orch_short_oid(&it->merge));
		land_clean_up(l->repo, it->branch, l->st.delete_branches);
	}
}

/* --continue (skip = 0) and --skip: settle the branch that stopped the run, then go on. */
static int resume(struct lander *l, int skip, int json)
{
	long k;
	int settled = 0;

	if (land_merge_in_progress(l->repo) && !skip) {
		orch_error("a merge is still in progress: resolve the conflicts, 'git add' them and "
			   "'git commit', then run 'orch-hooks land --continue' again "
			   "(or drop the branch: orch-hooks land --skip)");
		return ORCH_LAND_CONFLICT;
	}
	if (land_merge_in_progress(l->repo)) {
		const char *a[] = { "git", "merge", "--abort", NULL };

		land_git_shielded(a);
	}
	k = stopped_index(&l->st);
	if (k >= 0) {
		struct land_item *it = &l->st.items[k];

		settle_half_way(l, it);
		if (!skip && settle_unreviewed_merge(l, it)) {
			land_state_save(&l->st, l->state_path);
			if (it->status != LAND_LANDED)
				return finish(l, json);
			orch_say("'%s' landed as %s", it->branch, orch_short_oid(&it->merge));
			land_clean_up(l->repo, it->branch, l->st.delete_branches);
		}
		if (it->status == LAND_LANDED) {
			settled = 1;
		} else if (skip) {
			orch_say("dropping '%s' from this land (it stays as it is)", it->branch);
			it->status = LAND_SKIPPED;
			set_str(&it->reason, "dropped by land --skip");
			land_state_save(&l->st, l->state_path);
		} else if (it->status != LAND_INTERRUPTED && it->status != LAND_MERGING &&
			   unchanged_since_stop(l, it)) {
			orch_error("nothing changed since land stopped at '%s' (%s, %s): %s", it->branch,
				   orch_short_oid(&it->tip), land_status_name(it->status), it->reason);
			orch_say("  fix it (a new commit, a verdict), or go on without it: orch-hooks land --skip; "
				 "or stop: orch-hooks land --abort");
			l->result = "unchanged";
			l->exit_status = ORCH_LAND_UNCHANGED;
			return finish(l, json);
		} else {
			it->status = LAND_TODO;
			set_str(&it->reason, NULL);
			memset(&it->stop_head, 0, sizeof(it->stop_head));
		}
	}
	if (skip && k < 0 && !settled) {
		orch_error("nothing to skip: no branch stopped this land");
		return ORCH_EXIT_FATAL;
	}
	return land_rest(l, json);
}

/* A git command that may simply stop on Ctrl-C (nothing is half-way before the first merge). */
static int git_stoppable(const char *const *argv)
{
	struct land_step s = LAND_STEP_INIT;

	s.argv = argv;
	s.mode = LAND_STEP_PASS_ON;
	return land_step_run(&s);
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
	l->st.onto = xstrdup(onto ? onto : current ? current : "");
	if (!*l->st.onto) {
		orch_error("HEAD is detached; name the target with --onto BRANCH");
		goto done;
	}
	if (!orch_branch_is_protected(&l->policy, l->st.onto)) {
		orch_error("'%s' is not a protected branch ([branches] protected in %s); land brings "
			   "branches home to a protected branch", l->st.onto, l->policy.path);
		goto done;
	}
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

/* --abort: settle a merge half-way (an untested one is taken back), then forget the run. */
static int abort_run(struct lander *l, int json)
{
	long k = stopped_index(&l->st);

	if (land_merge_in_progress(l->repo)) {
		const char *a[] = { "git", "merge", "--abort", NULL };

		land_git_shielded(a);
	}
	if (k >= 0)
		settle_half_way(l, &l->st.items[k]);
	if (k >= 0 && l->st.items[k].status == LAND_MERGING) {
		orch_error("'%s' is half-way merged and could not be taken back (see above); the land "
			   "state is kept", l->st.items[k].branch);
		return finish(l, json);
	}
	l->result = "aborted";
	l->exit_status = ORCH_EXIT_OK;
	finish(l, json);
	unlink(l->state_path);
	orch_say("land aborted; the branches that landed stay landed");
	return ORCH_EXIT_OK;
}

static void add_item(struct land_state *st, const char *branch)
{
	struct land_item *it;

	st->items = xrealloc(st->items, (st->nr + 1) * sizeof(*st->items));
	it = &st->items[st->nr++];
	memset(it, 0, sizeof(*it));
	it->branch = xstrdup(branch);
}

static int cmd_land(int argc, char **argv)
{
	struct lander l;
	const char *onto = NULL, *env;
	char *common = NULL;
	unsigned jobs = 0;
	int i, nargs, pull = 0, cont = 0, give_up = 0, skip = 0, review = 0, json = 0, delete_branches = 0;
	int loaded, ret = ORCH_EXIT_FATAL;
	const struct orch_option options[] = {
		OPT_STRING(0, "onto", &onto, "<branch>", "the protected branch to land on (default: the current one)"),
		OPT_BOOL(0, "pull", &pull, "bring the target up to date first (git pull --ff-only)"),
		OPT_BOOL(0, "delete-branches", &delete_branches, "delete each branch once it has landed"),
		OPT_BOOL(0, "review", &review, "review every queued branch that lacks a verdict first"),
		OPT_UINT('j', "jobs", &jobs, "<n>", "with --review: run N reviewers at once"),
		OPT_BOOL(0, "continue", &cont, "go on after a stop (a resolved conflict, a new verdict, a fix)"),
		OPT_BOOL(0, "skip", &skip, "drop the branch that stopped the land and go on with the rest"),
		OPT_BOOL(0, "abort", &give_up, "stop the land; what landed stays landed"),
		OPT_BOOL(0, "json", &json, "print the outcome as JSON on stdout (doc/json.md)"),
		OPT_END(),
	};

	memset(&l, 0, sizeof(l));
	orch_policy_init(&l.policy);
	nargs = orch_parse_options(argc, argv, options, &orch_cmd_land);
	if (nargs < 0) {
		ret = ORCH_EXIT_USAGE;
		goto done;
	}
	if ((cont + give_up + skip) ? (nargs || onto || pull || review || jobs || delete_branches ||
				     cont + give_up + skip > 1) : !nargs) {
		ret = orch_usage(&orch_cmd_land);
		goto done;
	}
	if (jobs && !review) {
		orch_error("-j goes with --review");
		ret = orch_usage(&orch_cmd_land);
		goto done;
	}
	for (i = 0; i < nargs; i++)
		add_item(&l.st, argv[i]);
	l.st.delete_branches = delete_branches;
	l.st.review_jobs = review ? (jobs ? jobs : 1) : 0;
	env = getenv("ORCH_HOOKS_PROGRESS_SECONDS");
	l.heartbeat_s = env && *env ? (unsigned)strtoul(env, NULL, 10) : 10;
	if (orch_repo_open_path(&l.repo, NULL) < 0)
		goto done;
	common = orch_repo_commondir(l.repo);
	if (orch_policy_load(&l.policy, common) < 0)
		goto done;
	l.state_path = land_state_path(l.repo);
	land_signals_setup();

	if (!cont && !give_up && !skip) {
		struct land_state old;

		loaded = land_state_load(&old, l.state_path);
		land_state_release(&old);
		if (loaded != 0) {
			orch_error("a land is already under way here; 'orch-hooks land --continue', "
				   "'orch-hooks land --skip' or 'orch-hooks land --abort'");
			goto done;
		}
		ret = start(&l, onto, pull, json);
		goto done;
	}
	land_state_release(&l.st);
	loaded = land_state_load(&l.st, l.state_path);
	if (loaded <= 0) {
		if (!loaded)
			orch_error("no land is under way here");
		goto done;
	}
	ret = give_up ? abort_run(&l, json) : resume(&l, skip, json);
done:
	if (json && !l.reported && ret != ORCH_EXIT_USAGE) {
		/* Stopped before any branch was looked at: programs still get an object. */
		struct land_outcome o = { .exit_status = ret,
					  .result = ret == ORCH_EXIT_INTERRUPTED ? "interrupted" : "fatal",
					  .reason = "land could not start (see the messages on stderr)" };

		land_report_json(&l.st, &o);
	}
	free(common);
	free(l.state_path);
	land_state_release(&l.st);
	orch_policy_release(&l.policy);
	git_repository_free(l.repo);
	return ret;
}

const struct orch_cmd orch_cmd_land = {
	"land", "land [--onto BRANCH] [--pull] [--delete-branches] [--review [-j N]] [--json] BRANCH...\n"
	"   or: orch-hooks land (--continue | --skip | --abort) [--json]",
	"merge reviewed branches one at a time, testing between each", cmd_land,
};
