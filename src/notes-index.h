#ifndef ORCH_NOTES_INDEX_H
#define ORCH_NOTES_INDEX_H

#include <stddef.h>

#include <git2.h>

/*
 * Every note of one notes commit, read once. libgit2's note lookup scans a
 * tree level entry by entry, so looking up each of 20,000 merges in a flat
 * notes tree that way is quadratic; this reads the tree once (flat or with
 * fanout directories) and answers each lookup by binary search.
 */
struct orch_notes_index {
	struct orch_note_entry {
		git_oid annotated;
		git_oid blob;
	} *items;
	size_t nr, alloc;
};

#define ORCH_NOTES_INDEX_INIT { NULL, 0, 0 }

/* Reads the notes of `notes_commit` (NULL: no notes at all). Returns 0 or -1 (reported). */
int orch_notes_index_load(struct orch_notes_index *idx, git_repository *repo,
			  const git_commit *notes_commit);
void orch_notes_index_release(struct orch_notes_index *idx);

/* The blob of the note on `annotated`, or NULL when it has none. */
const git_oid *orch_notes_index_find(const struct orch_notes_index *idx, const git_oid *annotated);

/*
 * The note text of `annotated`: 1 and *out (caller frees, NUL-terminated,
 * *len without the NUL) when there is one, 0 when there is none, -1 when it
 * cannot be read (libgit2's error is set).
 */
int orch_notes_index_text(const struct orch_notes_index *idx, git_repository *repo,
			  const git_oid *annotated, char **out, size_t *len);

#endif
