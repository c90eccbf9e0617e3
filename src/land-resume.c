/*
 * land --continue, --skip and --abort: settle what the stop left behind (a
 * resolved conflict, a merge the content rule undid, a crash half-way),
 * then go on, or forget the run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content-rule.h"
#include "error.h"
#include "handoff.h"
#include "exit-codes.h"
#include "land.h"
#include "land-step.h"
#include "land-tree.h"
#include "merge-gate.h"
#include "repo.h"
#include "strbuf.h"
#include "trust.h"

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
	if ((it->status != LAND_CONFLICT && it->status != LAND_NOT_REVIEWED) || land_head_oid(l->repo, &h) < 0 ||
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
		land_stop_item(l, it, LAND_NOT_REVIEWED, "its merge carries changes of its own and has no PASS of its own");
		goto done;
	}
	{
		const char *argv[] = { "git", "merge", "--ff-only", hex, NULL };

		hex[GIT_OID_HEXSZ] = '\0';
		land_git_shielded(argv);
	}
	unlink(path);
	land_settle(l, it, 1, land_interrupted());
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

	if (git_oid_is_zero(&it->stop_head) || land_head_oid(l->repo, &head) < 0 ||
	    !git_oid_equal(&head, &it->stop_head) ||
	    git_branch_lookup(&ref, l->repo, it->branch, GIT_BRANCH_LOCAL) < 0)
		return 0;
	same = git_oid_equal(git_reference_target(ref), &it->tip);
	git_reference_free(ref);
	if (same && (it->status == LAND_NOT_REVIEWED || it->status == LAND_REJECTED)) {
		if (land_judge_branch(l, &it->tip, &j) < 0)
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

	if ((it->status != LAND_CONFLICT && it->status != LAND_MERGING) || land_head_oid(l->repo, &h) < 0 ||
	    git_oid_equal(&h, &it->orig))
		return;
	land_settle(l, it, 1, 0);
	land_state_save(&l->st, l->state_path);
	if (it->status == LAND_LANDED) {
		orch_say("'%s' landed as %s", it->branch, orch_short_oid(&it->merge));
		land_clean_up(l->repo, it->branch, l->st.delete_branches);
	}
}

/* --continue (skip = 0) and --skip: settle the branch that stopped the run, then go on. */
int land_resume(struct lander *l, int skip, int json)
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
	k = land_stopped_index(&l->st);
	if (k >= 0) {
		struct land_item *it = &l->st.items[k];

		settle_half_way(l, it);
		if (!skip && settle_unreviewed_merge(l, it)) {
			land_state_save(&l->st, l->state_path);
			if (it->status != LAND_LANDED)
				return land_finish(l, json);
			orch_say("'%s' landed as %s", it->branch, orch_short_oid(&it->merge));
			land_clean_up(l->repo, it->branch, l->st.delete_branches);
		}
		if (it->status == LAND_LANDED) {
			settled = 1;
		} else if (skip) {
			orch_say("dropping '%s' from this land (it stays as it is)", it->branch);
			it->status = LAND_SKIPPED;
			land_set_str(&it->reason, "dropped by land --skip");
			land_state_save(&l->st, l->state_path);
		} else if (it->status != LAND_INTERRUPTED && it->status != LAND_MERGING &&
			   unchanged_since_stop(l, it)) {
			orch_error("nothing changed since land stopped at '%s' (%s, %s): %s", it->branch,
				   orch_short_oid(&it->tip), land_status_name(it->status), it->reason);
			orch_say("  fix it (a new commit, a verdict), or go on without it: orch-hooks land --skip; "
				 "or stop: orch-hooks land --abort");
			l->result = "unchanged";
			l->exit_status = ORCH_LAND_UNCHANGED;
			return land_finish(l, json);
		} else {
			it->status = LAND_TODO;
			land_set_str(&it->reason, NULL);
			memset(&it->stop_head, 0, sizeof(it->stop_head));
		}
	}
	if (skip && k < 0 && !settled) {
		orch_error("nothing to skip: no branch stopped this land");
		return ORCH_EXIT_FATAL;
	}
	return land_rest(l, json);
}

/* --abort: settle a merge half-way (an untested one is taken back), then forget the run. */
int land_abort(struct lander *l, int json)
{
	long k = land_stopped_index(&l->st);

	if (land_merge_in_progress(l->repo)) {
		const char *a[] = { "git", "merge", "--abort", NULL };

		land_git_shielded(a);
	}
	if (k >= 0)
		settle_half_way(l, &l->st.items[k]);
	if (k >= 0 && l->st.items[k].status == LAND_MERGING) {
		orch_error("'%s' is half-way merged and could not be taken back (see above); the land "
			   "state is kept", l->st.items[k].branch);
		return land_finish(l, json);
	}
	l->result = "aborted";
	l->exit_status = ORCH_EXIT_OK;
	land_finish(l, json);
	unlink(l->state_path);
	orch_say("land aborted; the branches that landed stay landed");
	return ORCH_EXIT_OK;
}
