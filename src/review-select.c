/* Which commits a review run covers: the names resolved, duplicates dropped, pure rebases carried over. */
#include "config.h"

#include "carry-find.h"
#include "error.h"
#include "pattern.h"
#include "review-select.h"
#include "strbuf.h"
#include "trust.h"

/*
 * A pure rebase of a reviewed commit is not reviewed again: its verdict is
 * carried (carry-over.h). Only for a commit without a verdict of its own: a
 * commit that has one was asked to be reviewed again.
 */
static int find_carry(git_repository *repo, const struct orch_policy *policy, const git_oid *target,
		      struct orch_review *r)
{
	struct orch_judgement_result j;
	struct orch_carry c = ORCH_CARRY_INIT;
	int own, found;

	orch_trust_judge_onto(repo, policy, ORCH_TRUST_LOCAL, NULL, &r->commit, target, &j);
	own = j.kind == ORCH_JUDGE_PASS || j.kind == ORCH_JUDGE_FAIL;
	orch_judgement_result_release(&j);
	if (own)
		return 0;
	found = orch_carry_over_find(repo, policy, r->branch, &r->commit, target, &r->carried_from, &c);
	if (found > 0) {
		char hex[GIT_OID_HEXSZ + 1];

		r->carried = 1;
		r->finished = 1;
		r->verdict = ORCH_VERDICT_PASS;
		git_oid_cpy(&r->carried_base, &c.reviewed_base);
		r->reason = xasprintf("carried over from %s: a pure rebase of %zu commit%s (same patch-ids)",
				      git_oid_tostr(hex, 13, &r->carried_from), c.nr, c.nr == 1 ? "" : "s");
		r->body = xasprintf("%s\n\nThe verdict of %s counts for this commit while it holds: every "
				    "gate checks the comparison again.\n", r->reason,
				    git_oid_tostr(hex, sizeof(hex), &r->carried_from));
	}
	orch_carry_release(&c);
	return found < 0 ? -1 : 0;
}

/* What the person named: a branch (looked up literally first), or any commit. */
static int resolve(git_repository *repo, const char *arg, struct orch_review *r)
{
	git_reference *ref = NULL;
	git_object *obj = NULL, *c = NULL;
	const char *branch = NULL, *short_name = orch_branch_short_name(arg);

	if (git_branch_lookup(&ref, repo, arg, GIT_BRANCH_LOCAL) == 0)
		branch = arg;
	else if (short_name && short_name != arg &&
		 git_branch_lookup(&ref, repo, short_name, GIT_BRANCH_LOCAL) == 0)
		branch = short_name;
	if (ref) {
		if (git_reference_peel(&c, ref, GIT_OBJECT_COMMIT) < 0)
			c = NULL;
		git_reference_free(ref);
	} else if (git_revparse_single(&obj, repo, arg) == 0) {
		if (git_object_peel(&c, obj, GIT_OBJECT_COMMIT) < 0)
			c = NULL;
		git_object_free(obj);
	}
	if (!c)
		return orch_error("'%s' does not name a branch or commit here", arg);
	r->name = xstrdup(arg);
	r->branch = xstrdup(branch ? branch : "");
	git_oid_cpy(&r->commit, git_object_id(c));
	git_object_free(c);
	return 0;
}

int orch_review_select(git_repository *repo, const struct orch_policy *policy, const char *const *revs, int nrevs,
		       const git_oid *target_oid, int carry, struct orch_review *reviews, int *n)
{
	int i, j;

	for (i = 0; i < nrevs; i++) {
		struct orch_review *r = &reviews[*n];
		int dup = 0;

		orch_review_init(r);
		if (resolve(repo, revs[i], r) < 0)
			return -1;
		for (j = 0; j < *n && !dup; j++) {
			if (git_oid_equal(&reviews[j].commit, &r->commit)) {
				orch_say("'%s' is the same commit as '%s': reviewing it once", r->name,
					 reviews[j].name);
				dup = 1;
			}
		}
		if (dup) {
			orch_review_release(r);
			continue;
		}
		r->has_base = git_merge_base(&r->base, repo, &r->commit, target_oid) == 0;
		(*n)++;
		if (carry && find_carry(repo, policy, target_oid, r) < 0)
			return -1;
	}
	return 0;
}

