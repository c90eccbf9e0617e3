#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "note.h"
#include "notes-growth.h"
#include "strbuf.h"

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int same_record(const struct orch_verdict_record *a, const struct orch_verdict_record *b)
{
	return a->verdict == b->verdict && same_str(a->commit, b->commit) &&
	       same_str(a->tree, b->tree) && same_str(a->reviewer, b->reviewer) &&
	       same_str(a->date, b->date) && same_str(a->duration, b->duration) &&
	       same_str(a->signature, b->signature) && same_str(a->body, b->body);
}

static int verdict_parse(const char *text, size_t len, void **out, char **err)
{
	return orch_note_parse(text, len, (struct orch_verdict_record **)out, err);
}

static void verdict_free(void *recs, int n)
{
	orch_verdict_records_free(recs, n);
}

static int verdict_same(const void *a, const void *b)
{
	return same_record(a, b);
}

static time_t verdict_when(const void *r)
{
	return ((const struct orch_verdict_record *)r)->when;
}

/* "FAIL by NAME dated DATE": enough for a person to find the record. */
static char *verdict_describe(const void *p)
{
	const struct orch_verdict_record *r = p;

	return xasprintf("%s by %s dated %s", r->verdict == ORCH_VERDICT_PASS ? "PASS" : "FAIL",
			 r->reviewer && *r->reviewer ? r->reviewer : "(no reviewer)",
			 r->date ? r->date : "(no date)");
}

const struct orch_notes_kind orch_notes_verdicts = {
	.noun = "verdicts", .format = "verdict", .size = sizeof(struct orch_verdict_record),
	.parse = verdict_parse, .free = verdict_free, .same = verdict_same, .when = verdict_when,
	.describe = verdict_describe,
};

#define REC(k, recs, i) ((const char *)(recs) + (size_t)(i) * (k)->size)

static int has_record(const struct orch_notes_kind *k, const void *recs, int n, const void *r)
{
	int i;

	for (i = 0; i < n; i++)
		if (k->same(REC(k, recs, i), r))
			return 1;
	return 0;
}

/* The text without the line ends at its end: a union merge rewrites those. */
static size_t trimmed_len(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n;
}

static int compare_records(const struct orch_notes_kind *k, const void *old, int n_old,
			   const void *new, int n_new, time_t latest, char **why)
{
	time_t newest = 0;
	char *what;
	int i;

	for (i = 0; i < n_old; i++) {
		if (!has_record(k, new, n_new, REC(k, old, i))) {
			what = k->describe(REC(k, old, i));
			*why = xasprintf("drops the record '%s'", what);
			free(what);
			return 1;
		}
		if (k->when(REC(k, old, i)) > newest)
			newest = k->when(REC(k, old, i));
	}
	for (i = 0; i < n_new; i++) {
		const void *r = REC(k, new, i);
		char date[32];

		if (has_record(k, old, n_old, r))
			continue;
		if (k->when(r) > latest) {
			what = k->describe(r);
			*why = xasprintf("adds the record '%s', dated in the future (the server's clock "
					 "says %s)", what, orch_iso8601(latest, date, sizeof(date)));
			free(what);
			return 1;
		}
		if (k->when(r) >= newest)
			continue;
		what = k->describe(r);
		*why = xasprintf("adds the record '%s', dated before the newest record it had (%s): "
				 "%s are added in time order", what,
				 orch_iso8601(newest, date, sizeof(date)), k->noun);
		free(what);
		return 1;
	}
	return 0;
}

int orch_notes_kind_growth(const struct orch_notes_kind *k, const char *old, size_t old_len,
			   const char *new, size_t new_len, time_t latest, char **why)
{
	void *old_recs = NULL, *new_recs = NULL;
	char *err = NULL;
	int n_old, n_new = 0, ret = 1;
	size_t keep;

	*why = NULL;
	n_old = k->parse(old, old_len, &old_recs, &err);
	if (n_old < 0) {
		/* Not records: nothing can be compared but the text itself. */
		free(err);
		keep = trimmed_len(old, old_len);
		if (!keep || memmem(new, new_len, old, keep))
			return 0;
		*why = xasprintf("drops part of a note that is not in the %s format (such a note "
				 "may only be added to)", k->format);
		return 1;
	}
	n_new = k->parse(new, new_len, &new_recs, &err);
	if (n_new < 0) {
		*why = n_old ? xasprintf("is no longer in the %s format (%s), which drops its "
					 "records", k->format, err) : NULL;
		ret = n_old ? 1 : 0;
		free(err);
		n_new = 0;
		goto done;
	}
	ret = compare_records(k, old_recs, n_old, new_recs, n_new, latest, why);
done:
	k->free(old_recs, n_old);
	k->free(new_recs, n_new);
	return ret;
}

int orch_note_growth(const char *old, size_t old_len, const char *new, size_t new_len,
		     time_t latest, char **why)
{
	return orch_notes_kind_growth(&orch_notes_verdicts, old, old_len, new, new_len, latest, why);
}

/* The entries [*at, end) for one commit: their blobs joined as git shows them. */
static int note_of(git_repository *repo, const struct orch_notes_index *idx, size_t at, size_t end,
		   struct strbuf *out)
{
	size_t i;

	for (i = at; i < end; i++) {
		char *text;
		size_t len;

		if (orch_note_blob_text(repo, &idx->items[i].blob, &text, &len) < 0)
			return orch_git_error("cannot read the note of commit %s",
					      git_oid_tostr_s(&idx->items[i].annotated));
		if (i > at)
			strbuf_adds(out, "\n\n");
		strbuf_add(out, text, len);
		free(text);
	}
	return 0;
}

/* The end of the run of entries for the commit at `at`. */
static size_t run_end(const struct orch_notes_index *idx, size_t at)
{
	size_t end = at + 1;

	while (end < idx->nr && git_oid_equal(&idx->items[end].annotated, &idx->items[at].annotated))
		end++;
	return end;
}

static int same_blobs(const struct orch_notes_index *a, size_t a_at, size_t a_end,
		      const struct orch_notes_index *b, size_t b_at, size_t b_end)
{
	size_t i;

	if (a_end - a_at != b_end - b_at)
		return 0;
	for (i = 0; i < a_end - a_at; i++)
		if (!git_oid_equal(&a->items[a_at + i].blob, &b->items[b_at + i].blob))
			return 0;
	return 1;
}

/* One note: gone, unchanged, grown, rewritten, or new ([o, o_end) empty). */
static int check_one(git_repository *repo, const struct orch_notes_index *old, size_t o, size_t o_end,
		     const struct orch_notes_index *new, size_t n, size_t n_end, time_t latest,
		     const struct orch_notes_kind *kind, void (*report)(void *, const char *), void *payload)
{
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	const git_oid *commit = o < o_end ? &old->items[o].annotated : &new->items[n].annotated;
	char *why = NULL, *msg;
	int ret = -1;

	if (o < o_end && n < n_end && same_blobs(old, o, o_end, new, n, n_end))
		return 0;
	if (note_of(repo, old, o, o_end, &before) < 0 || note_of(repo, new, n, n_end, &after) < 0)
		goto done;
	if (n == n_end)
		why = xstrdup("deletes it");
	else if (!orch_notes_kind_growth(kind, strbuf_str(&before), before.len, strbuf_str(&after),
					 after.len, latest, &why))
		goto ok;
	msg = xasprintf("the pushed notes change the %s of commit %s: the push %s; "
			"%s may only be added to", kind->noun, git_oid_tostr_s(commit), why, kind->noun);
	report(payload, msg);
	free(msg);
	ret = 1;
	goto done;
ok:
	ret = 0;
done:
	free(why);
	strbuf_release(&before);
	strbuf_release(&after);
	return ret;
}

int orch_notes_growth_check(git_repository *repo, const struct orch_notes_index *old,
			    const struct orch_notes_index *new, time_t latest,
			    void (*report)(void *payload, const char *text), void *payload)
{
	return orch_notes_kind_growth_check(repo, old, new, latest, &orch_notes_verdicts, report, payload);
}

int orch_notes_kind_growth_check(git_repository *repo, const struct orch_notes_index *old,
				 const struct orch_notes_index *new, time_t latest,
				 const struct orch_notes_kind *kind,
				 void (*report)(void *payload, const char *text), void *payload)
{
	size_t o = 0, n = 0;
	int offences = 0;

	/* Both sorted by commit: walk them side by side, one commit at a time. */
	while (o < old->nr || n < new->nr) {
		int cmp = o == old->nr ? 1 : n == new->nr ? -1 :
			  git_oid_cmp(&old->items[o].annotated, &new->items[n].annotated);
		size_t o_end = cmp <= 0 ? run_end(old, o) : o;
		size_t n_end = cmp >= 0 ? run_end(new, n) : n;
		int r = check_one(repo, old, o, o_end, new, n, n_end, latest, kind, report, payload);

		if (r < 0)
			return -1;
		offences += r;
		o = o_end;
		n = n_end;
	}
	return offences;
}
