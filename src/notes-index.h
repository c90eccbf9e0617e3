#ifndef ORCH_NOTES_INDEX_H
#define ORCH_NOTES_INDEX_H

#include <stddef.h>

#include <git2.h>

/*
 * Notes trees read exactly as git reads them (notes.c, load_subtree): a
 * note is a regular-file entry (mode 100644 or 100755; not a symlink, not a
 * gitlink) named by the rest of its commit's hex id, found in the root or
 * below fan-out directories each named by the next two hex digits ("ab/",
 * "ab/cd/", ...). Any other entry is not a note, whatever it holds. Hex
 * digits may be upper case, as git's hex parser allows. Where git would find
 * two entries for one commit (flat and fanned out, say) it joins them; we
 * call that note unreadable, so that no gate and no person can be shown a
 * different verdict than the other.
 */

/* What one tree entry is to git's notes reader. */
enum orch_notes_entry {
	ORCH_NOTES_OTHER,	/* not part of any note */
	ORCH_NOTES_NOTE,	/* a note: the name completes the commit's id */
	ORCH_NOTES_FANOUT,	/* a fan-out directory: two more hex digits */
};

/*
 * Classifies the entry `name` (`mode` as stored in the tree) found below
 * fan-out directories that spelled the first `depth_hex` digits of an id
 * (0, 2, ..., 38). Writes the digits the name adds, lower-cased, to
 * hex + depth_hex (hex holds GIT_OID_HEXSZ + 1 bytes; it is NUL-terminated
 * for a note). Pure: this is the rule, fuzzed against git's reading.
 */
enum orch_notes_entry orch_notes_entry_classify(const char *name, unsigned mode, size_t depth_hex,
						char *hex);

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
		unsigned depth;	/* fan-out levels above the entry */
	} *items;
	size_t nr, alloc;
};

#define ORCH_NOTES_INDEX_INIT { .items = NULL }

/* Reads the notes of `notes_commit` (NULL: no notes at all). Returns 0 or -1 (reported). */
int orch_notes_index_load(struct orch_notes_index *idx, git_repository *repo,
			  const git_commit *notes_commit);
/* The same from a notes tree; -1 with libgit2's error set (not reported). */
int orch_notes_index_load_tree(struct orch_notes_index *idx, git_repository *repo,
			       const git_oid *tree_id);
void orch_notes_index_release(struct orch_notes_index *idx);

/* The blob of the note on `annotated`, or NULL when it has none (the first of duplicates). */
const git_oid *orch_notes_index_find(const struct orch_notes_index *idx, const git_oid *annotated);

/* How many entries the tree holds for `annotated`: 0, 1, or more (unreadable). */
size_t orch_notes_index_count(const struct orch_notes_index *idx, const git_oid *annotated);

/*
 * The note text of `annotated`: 1 and *out (caller frees, NUL-terminated,
 * *len without the NUL) when there is one, 0 when there is none, -1 when it
 * cannot be read or there are two (libgit2's error is set).
 */
int orch_notes_index_text(const struct orch_notes_index *idx, git_repository *repo,
			  const git_oid *annotated, char **out, size_t *len);

/*
 * One lookup without reading the whole tree, by the same rules: 1 and the
 * blob id in *out, 0 when the commit has no note, -1 when the tree cannot be
 * read or holds two notes for it (libgit2's error is set).
 */
int orch_notes_tree_lookup(git_repository *repo, const git_oid *tree_id, const git_oid *annotated,
			   git_oid *out);

/* Sorts an index built by hand: by commit, a commit's entries by depth, then blob. */
void orch_notes_index_sort(struct orch_notes_index *idx);

/*
 * Adds to idx every entry the tree `tree_id` holds for `annotated`, found by
 * its path (only the fan-out directories that spell its digits are read), by
 * the rules above; sort before use. A push that needs a few notes reads a
 * few trees, however many notes there are. 0, or -1 (libgit2's error set).
 */
int orch_notes_index_add_path(struct orch_notes_index *idx, git_repository *repo,
			      const git_oid *tree_id, const git_oid *annotated);

/*
 * The commits whose notes may differ between two notes trees (old_tree NULL:
 * none before), sorted, each once, in *out (caller frees): a subtree with
 * the same id at the same place holds the same notes and is not read.
 * Returns 0; 1 when there are more than `max` or a tree is not in git's
 * order (no name twice): then compare whole indexes; -1 when a tree cannot
 * be read (libgit2's error set).
 */
int orch_notes_tree_changes(git_repository *repo, const git_oid *old_tree, const git_oid *new_tree,
			    size_t max, git_oid **out, size_t *nr);

/* Reads a note blob (at most ORCH_NOTE_MAX_SIZE): 0 and *out, or -1 with libgit2's error set. */
int orch_note_blob_text(git_repository *repo, const git_oid *blob_id, char **out, size_t *len);

#endif
