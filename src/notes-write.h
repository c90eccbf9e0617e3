#ifndef ORCH_NOTES_WRITE_H
#define ORCH_NOTES_WRITE_H

#include <stddef.h>

#include <git2.h>

/* One note to write: the object it annotates and its whole new text. */
struct orch_note_put {
	const git_oid *id;
	const char *text;
};

/*
 * Writes several notes in one notes commit, where git_note_create() makes a
 * commit per note: each loose object costs a zlib stream, so the test gate's
 * record on a merge and on its tree takes three objects instead of six. Each
 * note replaces any note its object has, at the place libgit2 puts it (inside
 * an existing fan-out directory of the notes tree, else at that level). The
 * commit goes on `parent` (NULL: the ref's first commit) and `ref` moves only
 * if it is still at `parent`. Returns 0; 1 when the ref moved meanwhile
 * (nothing written to it; read it again and retry); -1 with libgit2's error
 * set (not reported).
 */
int orch_notes_write(git_repository *repo, const char *ref, const git_commit *parent,
		     const git_signature *sig, const struct orch_note_put *notes, size_t n);

#endif
