/*
 * One branch landed the sequential way: judged, merged by the real
 * `git merge --no-ff` in the person's work tree (so every installed gate
 * runs), tested by the test gate, and what that left behind settled from
 * the repository itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "error.h"
#include "land.h"
#include "land-prefix.h"
#include "land-step.h"
#include "land-tree.h"
#include "landing.h"
#include "merge-gate.h"
#include "repo.h"
#include "strbuf.h"
#include "trust.h"
#include "verdict.h"

void land_set_str(char **field, const char *value)
{
	free(*field);
	*field = value ? xstrdup(value) : NULL;
}

int land_head_oid(git_repository *repo, git_oid *out)
{
	return git_reference_name_to_id(out, repo, "HEAD");
}

/*
 * A "stale" verdict must be on an earlier commit of this branch: a reviewed
 * commit that is already in the target (the branch was started after a
 * fast-forward landing) says nothing about this branch (land_judge_tip).
 */
int land_judge_branch(struct lander *l, const git_oid *tip, struct orch_judgement_result *j)
{
	git_oid head;

	land_judge_tip(l->repo, &l->policy, land_head_oid(l->repo, &head) == 0 ? &head : NULL, tip, j);
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
	return starts_with(word, "PASS") || !strcmp(word, "not run");
}

void land_stop_item(struct lander *l, struct land_item *it, enum land_status status, const char *reason)
{
	it->status = status;
	land_set_str(&it->reason, reason);
	if (land_head_oid(l->repo, &it->stop_head) < 0)
		memset(&it->stop_head, 0, sizeof(it->stop_head));
}

/* Takes back a merge whose tests did not pass, when the test gate could not. */
static void take_back_untested(struct lander *l, struct land_item *it, const git_oid *merge, int interrupted)
{
	git_oid back;

	if (orch_take_back(l->repo, ORCH_TAKE_BACK_UNDO, l->st.onto, merge, &it->orig,
			   "its tests did not run to the end", &back) == 0) {
		land_set_str(&it->tests, interrupted ? "interrupted" : "not run");
		land_stop_item(l, it, interrupted ? LAND_INTERRUPTED : LAND_REFUSED,
			  interrupted ? "interrupted before its tests finished; the merge was taken back" :
					"the merge was not tested (is the test gate installed?); it was taken back");
		return;
	}
	/* Left as "merging": --continue looks again, and never counts it as landed untested. */
	it->status = LAND_MERGING;
	land_set_str(&it->reason, "the untested merge could not be taken back (see above)");
}

/*
 * What a merge step left behind, decided from the repository itself (so a
 * crash or Ctrl-C at any point is judged the same way): landed and tested,
 * taken back, stopped in a conflict, or refused.
 */
void land_settle(struct lander *l, struct land_item *it, int merge_ok, int interrupted)
{
	git_commit *head = NULL;
	git_oid h;

	if (land_merge_in_progress(l->repo)) {
		const char *abort_argv[] = { "git", "merge", "--abort", NULL };

		if (land_has_conflicts(l->repo)) {
			land_stop_item(l, it, LAND_CONFLICT, "the merge stopped with conflicts");
			return;
		}
		land_git_shielded(abort_argv);
	}
	if (land_head_oid(l->repo, &h) < 0 || git_commit_lookup(&head, l->repo, &h) < 0) {
		land_stop_item(l, it, LAND_REFUSED, "cannot read HEAD after the merge");
		return;
	}
	if (git_oid_equal(&h, &it->orig)) {
		if (interrupted)
			land_stop_item(l, it, LAND_INTERRUPTED, "interrupted; the target is as it was before this merge");
		else if (merge_ok)
			land_stop_item(l, it, LAND_BROKE_TESTS, "the test gate failed and took the merge back");
		else
			land_stop_item(l, it, LAND_REFUSED, "the merge was refused (see the messages above)");
		if (merge_ok && !interrupted)
			land_set_str(&it->tests, "FAIL");
	} else if (git_commit_parentcount(head) >= 2 && git_oid_equal(git_commit_parent_id(head, 0), &it->orig) &&
		   git_oid_equal(git_commit_parent_id(head, 1), &it->tip)) {
		char *tests = tests_result(l, &h);

		land_set_str(&it->tests, tests);
		if (tests_passed(tests)) {
			it->status = LAND_LANDED;
			git_oid_cpy(&it->merge, &h);
			land_set_str(&it->reason, NULL);
		} else if (!strcmp(tests, "not recorded")) {
			take_back_untested(l, it, &h, interrupted);
		} else {
			land_stop_item(l, it, LAND_BROKE_TESTS, "the tests failed and the test gate could not take "
				  "the merge back (see above)");
		}
		free(tests);
	} else {
		/* A revert on top: the test gate said no and kept the history. */
		land_set_str(&it->tests, "FAIL");
		land_stop_item(l, it, LAND_BROKE_TESTS, "the test gate failed and reverted the merge");
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
		land_stop_item(l, it, LAND_REJECTED, why);
		orch_say("  the reviewer said FAIL: fix '%s' with a new commit, review it again "
			 "(orch-hooks review %s), then: orch-hooks land --continue", it->branch, quoted);
	} else {
		land_stop_item(l, it, LAND_NOT_REVIEWED, why);
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
	char *msg = land_merge_message(it->branch, l->st.onto, i + 1, l->st.nr);
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
	land_settle(l, it, rc == 0, land_interrupted() != 0);
	free(what);
	free(msg);
}

void land_say_outcome(struct lander *l, struct land_item *it, size_t i)
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

int land_one(struct lander *l, size_t i, int pinned)
{
	struct land_item *it = &l->st.items[i];
	struct orch_judgement_result j;
	git_reference *ref = NULL;
	double start = orch_now();
	git_oid head;
	int judged = 0;

	memset(&j, 0, sizeof(j));
	orch_say("[%zu/%zu] landing '%s' onto '%s'", i + 1, l->st.nr, it->branch, l->st.onto);
	if (land_head_oid(l->repo, &head) < 0 ||
	    (!pinned && git_branch_lookup(&ref, l->repo, it->branch, GIT_BRANCH_LOCAL) < 0)) {
		orch_error("no branch '%s'", it->branch);
		land_stop_item(l, it, LAND_REFUSED, "no such branch");
		goto done;
	}
	if (!pinned)
		git_oid_cpy(&it->tip, git_reference_target(ref));
	if (land_judge_branch(l, &it->tip, &j) < 0) {
		land_stop_item(l, it, LAND_REFUSED, "cannot read its verdict");
		goto done;
	}
	judged = 1;
	land_set_str(&it->verdict, land_verdict_word(j.kind));
	if (git_oid_equal(&it->tip, &head) || git_graph_descendant_of(l->repo, &head, &it->tip) == 1) {
		orch_say("[%zu/%zu] '%s' (%s) is already in '%s': nothing to merge or test", i + 1, l->st.nr,
			 it->branch, orch_short_oid(&it->tip), l->st.onto);
		it->status = LAND_ALREADY;
		land_set_str(&it->reason, NULL);
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
	it->seconds += orch_now() - start;
	if (judged)
		orch_judgement_result_release(&j);
	git_reference_free(ref);
	land_say_outcome(l, it, i);
	land_state_save(&l->st, l->state_path);
	if (it->status == LAND_LANDED || it->status == LAND_ALREADY) {
		land_clean_up(l->repo, it->branch, l->st.delete_branches);
		return 0;
	}
	return -1;
}
