#ifndef ORCH_TRUST_H
#define ORCH_TRUST_H

#include <git2.h>

#include "note.h"
#include "notes-index.h"
#include "policy.h"

/*
 * Whether a verdict counts. Every path that lets work reach a protected
 * branch asks here and nowhere else: the merge gate, the fast-forward check,
 * the server gate, land and status. A verdict counts when its note parses,
 * its newest record is a PASS bound to the commit (Commit) and its tree
 * (Tree), and, where the policy requires signatures, that record is signed
 * by an allowed signer who may pass the branch.
 */

/* Which policy switch requires signatures: [branches] or [server] require_signed. */
enum orch_trust_where {
	ORCH_TRUST_LOCAL,
	ORCH_TRUST_SERVER,
};

/*
 * Where the notes are read from: a pre-loaded index (the server, which looks
 * up thousands of commits), else the notes commit given (the pushed notes),
 * else the notes ref (policy's [notes] ref).
 */
struct orch_notes_source {
	const struct orch_notes_index *index;
	const git_commit *notes_commit;
};

#define ORCH_NOTES_SOURCE_INIT { .index = NULL, .notes_commit = NULL }

/* 1 if `where` requires a signed verdict under policy p. */
int orch_trust_requires_signature(const struct orch_policy *p, enum orch_trust_where where);

/*
 * The decision on note text already read: parse, Commit/Tree binding,
 * newest record wins, then the signature where it is required. A carried
 * PASS cannot be checked without the repository: it is refused here.
 * tree_hex may be NULL only when the note names no Tree.
 */
void orch_trust_judge_text(const struct orch_policy *p, enum orch_trust_where where,
			   const char *text, size_t len, const char *commit_hex,
			   const char *tree_hex, struct orch_judgement_result *out);

/*
 * The decision on `commit`'s verdict, read from `src` (NULL: the notes ref).
 * Never a pass by default: a note or commit that cannot be read is
 * ORCH_JUDGE_UNREADABLE.
 */
void orch_trust_judge(git_repository *repo, const struct orch_policy *p, enum orch_trust_where where,
		      const struct orch_notes_source *src, const git_oid *commit,
		      struct orch_judgement_result *out);

/*
 * The same, for a merge of `commit` into the branch whose tip is `onto`.
 * Only here can a carried PASS (a verdict that survived a pure rebase,
 * carry-over.h) count: it is never taken on its word. It counts when
 * [review] carry_over allows it, the commit it names is in the repository
 * and its own newest record is a valid PASS that is not carried itself
 * (signed where signatures are required: the original reviewer's signature
 * stands for both), and the comparison, recomputed against `onto`, holds.
 * Otherwise it is ORCH_JUDGE_CARRY_REFUSED, saying why. orch_trust_judge
 * is this with no `onto`: there a carried PASS never counts.
 */
void orch_trust_judge_onto(git_repository *repo, const struct orch_policy *p, enum orch_trust_where where,
			   const struct orch_notes_source *src, const git_oid *commit, const git_oid *onto,
			   struct orch_judgement_result *out);

/*
 * Where the search for an earlier reviewed commit ends: at the target's own
 * history, whose verdicts belong to other branches. in_target(repo, id, data)
 * says 1 for such a commit. ORCH_HISTORY_BOUND_TIP(&tip) ends at everything
 * `tip` reaches; a NULL bound only at ORCH_STALE_SEARCH_DEPTH.
 */
struct orch_history_bound {
	int (*in_target)(git_repository *repo, const git_oid *id, const void *data);
	const void *data;
};

int orch_history_reached_from(git_repository *repo, const git_oid *id, const void *tip);

#define ORCH_HISTORY_BOUND_TIP(tip) { .in_target = orch_history_reached_from, .data = (tip) }

/*
 * For people: when `out` says there is no verdict, looks along first
 * parents (not into the target's history: see bound) for an earlier commit
 * of the branch that has one and turns `out` into ORCH_JUDGE_STALE (its id
 * in *stale_commit when not NULL).
 */
void orch_trust_explain_missing(git_repository *repo, const struct orch_policy *p,
				enum orch_trust_where where, const struct orch_notes_source *src,
				const git_oid *commit, const struct orch_history_bound *bound,
				struct orch_judgement_result *out, git_oid *stale_commit);

/* What to do about a verdict that does not count, in one wording for every gate. */
const char *orch_trust_fix_hint(enum orch_judgement k);

#endif
