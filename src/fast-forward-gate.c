#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fast-forward-gate.h"
#include "merge-gate.h"
#include "repo.h"
#include "strbuf.h"
#include "trust.h"
#include "upstream.h"

/* Refuses the fast-forward l for judgement j: says why and what fixes it, then undoes it. */
static int refuse(git_repository *repo, const struct orch_landed *l, const struct orch_judgement_result *j,
		  struct orch_gate_lock *lock)
{
	char *label = orch_landed_heads_label(repo, l);
	char *name = orch_landed_head_name(repo, l, 0);
	char *quoted = orch_shell_quote(name && !strchr(name, ',') ? name : orch_short_oid(&l->tip));
	char *why = xasprintf("a fast-forward runs no merge gate, and %s has %s%s%s", label,
			      orch_judgement_name(j->kind), j->detail ? ": " : "", j->detail ? j->detail : "");
	char *hint = xasprintf("%s first (orch-hooks review %s), then merge it again; "
			       "git merge --no-ff %s makes a merge commit", orch_trust_fix_hint(j->kind),
			       quoted, quoted);
	int r = orch_test_gate_refuse(repo, l, lock, why, hint);

	free(hint);
	free(why);
	free(quoted);
	free(name);
	free(label);
	return r;
}

int orch_fast_forward_gate(git_repository *repo, const struct orch_policy *policy, const struct orch_landed *l,
			   struct orch_gate_lock *lock, int *upstream)
{
	const struct orch_history_bound bound = ORCH_HISTORY_BOUND_TIP(&l->orig);
	struct orch_judgement_result j;
	char *remote = NULL;
	int r = 0;

	*upstream = 0;
	if (orch_upstream_has(repo, l->target, &l->tip, &remote)) {
		orch_say("'%s' fast-forwarded to %s, which '%s' already has: an update from upstream, "
			 "gated by the server; not tested here", l->target, orch_short_oid(&l->tip), remote);
		free(remote);
		*upstream = 1;
		return 0;
	}
	orch_trust_judge_onto(repo, policy, ORCH_TRUST_LOCAL, NULL, &l->tip, &l->orig, &j);
	orch_trust_explain_missing(repo, policy, ORCH_TRUST_LOCAL, NULL, &l->tip, &bound, &j, NULL);
	if (j.kind != ORCH_JUDGE_PASS)
		r = refuse(repo, l, &j, lock);
	orch_judgement_result_release(&j);
	return r;
}
