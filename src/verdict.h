#ifndef ORCH_VERDICT_H
#define ORCH_VERDICT_H

#include <git2.h>

#include "note.h"

/* How far back along first parents a stale verdict is looked for. */
#define ORCH_STALE_SEARCH_DEPTH 256

/* Records a verdict as the note of `commit`, replacing any earlier one. */
int orch_verdict_write(git_repository *repo, const char *notes_ref, const git_oid *commit,
		       enum orch_verdict_value verdict, const char *reviewer,
		       const char *duration, const char *body);

/* The same, signed with the SSH key at signing_key when it is not NULL or "". */
int orch_verdict_write_signed(git_repository *repo, const char *notes_ref, const git_oid *commit,
			      enum orch_verdict_value verdict, const char *reviewer,
			      const char *duration, const char *body, const char *signing_key);

/*
 * Records a carried PASS on `commit` (carry-over.h): the verdict of `from`,
 * whose reviewed series starts at from_base, survived a pure rebase. The
 * caller has checked that it holds; every gate checks it again.
 */
int orch_verdict_write_carried(git_repository *repo, const char *notes_ref, const git_oid *commit,
			       const git_oid *from, const git_oid *from_base, const char *reviewer,
			       const char *body);

/* The note text of `commit` (NULL when there is none); -1 on a read error. */
int orch_note_text(git_repository *repo, const char *notes_ref, const git_commit *notes_commit,
		   const git_oid *commit, char **out, size_t *len);

/* Branch names (short) whose tip is `oid`, joined by ", " (caller frees), or NULL. */
char *orch_branches_at(git_repository *repo, const git_oid *oid);

#endif
