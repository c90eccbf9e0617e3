#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automerge.h"
#include "content-rule.h"
#include "handoff.h"
#include "trust.h"
#include "error.h"
#include "merge-gate.h"
#include "repo.h"
#include "sign.h"
#include "strbuf.h"
#include "verdict.h"

int orch_content_rule_own_pass(git_repository *repo, const struct orch_policy *policy,
			       const git_oid *commit)
{
	struct orch_judgement_result j;
	int pass;

	orch_trust_judge(repo, policy, ORCH_TRUST_LOCAL, NULL, commit, &j);
	pass = j.kind == ORCH_JUDGE_PASS;
	orch_judgement_result_release(&j);
	return pass;
}

static void remember(git_repository *repo, const git_oid *merge)
{
	orch_handoff_unreviewed_write(git_repository_path(repo), git_oid_tostr_s(merge));
}

int orch_content_rule_check_landed(git_repository *repo, const struct orch_policy *policy,
				   const struct orch_landed *l, struct orch_gate_lock *lock)
{
	struct orch_automerge m = ORCH_AUTOMERGE_INIT;
	git_commit *c = NULL;
	git_oid parents[64];
	unsigned i, n;
	char *hint = NULL, *quoted;
	int r, ret = -1;

	if (l->fast_forward)
		return 0;
	if (git_commit_lookup(&c, repo, &l->tip) < 0) {
		orch_git_error("cannot read the merge %s", orch_short_oid(&l->tip));
		goto refuse;
	}
	n = git_commit_parentcount(c);
	if (n < 2 || n > 64) {
		ret = 0;
		goto done;
	}
	for (i = 0; i < n; i++)
		git_oid_cpy(&parents[i], git_commit_parent_id(c, i));
	if (orch_automerge_check(repo, parents, n, git_commit_tree_id(c), NULL, &m) < 0)
		goto refuse;
	if (m.same) {
		ret = 0;
		goto done;
	}
	r = orch_content_rule_own_pass(repo, policy, &l->tip);
	if (r < 0)
		goto refuse;
	if (r > 0) {
		orch_say("merge %s carries changes of its own, and its own review passed them",
			 orch_short_oid(&l->tip));
		ret = 0;
		goto done;
	}
	orch_automerge_describe(&l->tip, &m, "");
	remember(repo, &l->tip);
	quoted = orch_shell_quote(l->target);
	hint = xasprintf("the merge is kept as commit %s: put it on a branch (git branch NAME %s), have the "
			 "merge itself reviewed (orch-hooks review NAME: git diff \"$ORCH_AUTOMERGE\" "
			 "\"$ORCH_COMMIT\" shows the reviewer the hand-made part), then land it on %s "
			 "(orch-hooks land NAME, or git merge --ff-only NAME)",
			 git_oid_tostr_s(&l->tip), orch_short_oid(&l->tip), quoted);
	free(quoted);
	ret = orch_test_gate_refuse(repo, l, lock, "the merge carries changes of its own (above) "
				    "and has no PASS of its own", hint);
	goto done;
refuse:
	ret = orch_test_gate_refuse(repo, l, lock, "the content rule cannot decide (see above)",
				    "fix the problem above, then merge again");
done:
	free(hint);
	orch_automerge_release(&m);
	git_commit_free(c);
	return ret;
}
