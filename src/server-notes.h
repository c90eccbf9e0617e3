#ifndef ORCH_SERVER_NOTES_H
#define ORCH_SERVER_NOTES_H

#include <git2.h>

#include "notes-index.h"
#include "policy.h"
#include "receive-lines.h"

/*
 * The verdict notes the server gate judges by: as they will be after the
 * push (the pushed notes commit when the push updates the notes ref and may,
 * else the server's). The notes ref may only fast-forward and never be
 * deleted, and its notes may only grow (notes-growth.h).
 */
struct orch_server_notes {
	git_commit *commit;		/* NULL: no notes at all */
	struct orch_notes_index index;
	int pushed;			/* the push updates the notes ref */
};

#define ORCH_SERVER_NOTES_INIT { NULL, ORCH_NOTES_INDEX_INIT, 0 }

/*
 * Reads the notes for `updates` and checks a notes ref update among them:
 * prints every reason and sets *refused to refuse the push. 0, or -1 when
 * it cannot decide (reported).
 */
int orch_server_notes_read(struct orch_server_notes *n, git_repository *repo,
			   const struct orch_policy *policy, const struct orch_ref_updates *updates,
			   int *refused);
void orch_server_notes_release(struct orch_server_notes *n);

#endif
