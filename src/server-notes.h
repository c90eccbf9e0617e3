#ifndef ORCH_SERVER_NOTES_H
#define ORCH_SERVER_NOTES_H

#include <git2.h>

#include "notes-index.h"
#include "policy.h"
#include "receive-lines.h"
#include "trust.h"

/*
 * The verdict notes the server gate judges by: as they will be after the
 * push (the pushed notes commit when the push updates the notes ref and may,
 * else the server's). The notes ref may only fast-forward and never be
 * deleted, and its notes may only grow (notes-growth.h).
 */
struct orch_server_notes {
	git_commit *commit;		/* NULL: no notes at all */
	struct orch_notes_index index;	/* every note, once indexed */
	int indexed;
	int pushed;			/* the push updates the notes ref */
};

#define ORCH_SERVER_NOTES_INIT { .commit = NULL, .index = ORCH_NOTES_INDEX_INIT }

/*
 * Up to this many lookups (or changed notes), notes are found by their path
 * in the notes tree (two or three small trees each); beyond, the whole tree
 * is indexed once (about as many tree reads as fan-out directories, 257 for
 * git's usual one level), and every lookup is a binary search.
 */
#define ORCH_SERVER_NOTES_BY_PATH 64

/*
 * Reads the notes for `updates` and checks a notes ref update among them:
 * prints every reason and sets *refused to refuse the push. 0, or -1 when
 * it cannot decide (reported).
 */
int orch_server_notes_read(struct orch_server_notes *n, git_repository *repo,
			   const struct orch_policy *policy, const struct orch_ref_updates *updates,
			   int *refused);
void orch_server_notes_release(struct orch_server_notes *n);

/* Says how many lookups the gate is about to make: indexes every note when that is cheaper. */
int orch_server_notes_expect(struct orch_server_notes *n, git_repository *repo, size_t lookups);

/* Where the trust module reads the verdicts from (trust.h). */
struct orch_notes_source orch_server_notes_source(const struct orch_server_notes *n);

/* 1 if `id` has a note (readable or not), 0 if none. */
int orch_server_notes_has(const struct orch_server_notes *n, git_repository *repo, const git_oid *id);

#endif
