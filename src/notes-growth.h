#ifndef ORCH_NOTES_GROWTH_H
#define ORCH_NOTES_GROWTH_H

#include <stddef.h>
#include <time.h>

#include <git2.h>

#include "notes-index.h"

/*
 * Verdicts only grow. A note may gain records, never lose one, and a record
 * it gains may not be dated before the newest record it had: otherwise a
 * reviewer's newer FAIL could be swapped for an older PASS, or a PASS slipped
 * in "before" a FAIL, and the notes ref would still fast-forward.
 */

/*
 * Compares one note as it was (`old`) and as pushed (`new`). Returns 0 when
 * the new note only adds records in time order, 1 with *why (caller frees)
 * naming the dropped or back-dated record. A note that was not in the verdict
 * format may only be added to: its old text must still be in the new one.
 * Records are compared whole (every header and the reasons); a record that
 * is there twice (as a union merge of two copies leaves it) is there. A
 * record added may not be dated after `latest` either: a PASS dated in the
 * future would outrank every honest verdict after it, and bar them as
 * back-dated.
 */
int orch_note_growth(const char *old, size_t old_len, const char *new, size_t new_len,
		     time_t latest, char **why);

/*
 * Every note `old` holds against `new` (`old` empty when the notes ref is
 * new): a note removed, changed other than by growing, or given a record
 * dated after `latest`, is an offence. Calls report(payload, text) for each one (the
 * text names the commit and the record). Returns the number of offences, or
 * -1 when a note cannot be read (reported).
 */
int orch_notes_growth_check(git_repository *repo, const struct orch_notes_index *old,
			    const struct orch_notes_index *new, time_t latest,
			    void (*report)(void *payload, const char *text), void *payload);

/*
 * The growth rule for any record format: how to parse a note into records
 * (an array of `size`-byte records), compare two whole, date and describe
 * one. `noun` names the records in messages ("verdicts"), `format` the
 * format ("verdict").
 */
struct orch_notes_kind {
	const char *noun;
	const char *format;
	size_t size;
	int (*parse)(const char *text, size_t len, void **out, char **err);
	void (*free)(void *recs, int n);
	int (*same)(const void *a, const void *b);
	time_t (*when)(const void *r);
	char *(*describe)(const void *r);
};

/* orch_note_growth for notes of kind `k`. */
int orch_notes_kind_growth(const struct orch_notes_kind *k, const char *old, size_t old_len,
			   const char *new, size_t new_len, time_t latest, char **why);

extern const struct orch_notes_kind orch_notes_verdicts;

int orch_notes_kind_growth_check(git_repository *repo, const struct orch_notes_index *old,
				 const struct orch_notes_index *new, time_t latest,
				 const struct orch_notes_kind *kind,
				 void (*report)(void *payload, const char *text), void *payload);

#endif
