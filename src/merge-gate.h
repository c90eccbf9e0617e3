#ifndef ORCH_MERGE_GATE_H
#define ORCH_MERGE_GATE_H

#include <git2.h>

#include "policy.h"

/* A commit being merged, and the name the person gave it (may be NULL). */
struct orch_merge_head {
	git_oid oid;
	char *name;
};

void orch_merge_heads_free(struct orch_merge_head *heads, size_t n);

/*
 * The verdict check of the merge gate: every head merged into `target`
 * (a short branch name) needs a valid PASS when target is protected.
 * Returns 0 when the merge may go on, 1 when it is refused (the reason has
 * been printed, naming each head), -1 on an error (printed; refuse too).
 */
int orch_merge_gate_check(git_repository *repo, const struct orch_policy *policy,
			  const char *target, const struct orch_merge_head *heads, size_t n);

/* Heads from MERGE_HEAD (prepare-commit-msg). Returns the count or -1. */
int orch_merge_heads_from_merge_head(git_repository *repo, struct orch_merge_head **out);

/*
 * Heads of a merge that has not written MERGE_HEAD yet (pre-merge-commit):
 * GIT_REFLOG_ACTION "merge <rev>...", or FETCH_HEAD for "pull". Returns the
 * count, 0 if they cannot be worked out (prepare-commit-msg checks then), -1.
 */
int orch_merge_heads_from_env(git_repository *repo, struct orch_merge_head **out);

/* Quotes s for a shell command a person may paste (caller frees). */
char *orch_shell_quote(const char *s);

#endif
