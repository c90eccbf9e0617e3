#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "header-fields.h"
#include "note.h"
#include "strbuf.h"

/*
 * The headers after "Verdict:", in the order a note is written, and the
 * field each fills (header-fields.h).
 */
static const struct orch_header_field headers[] = {
#define H(name, field) ORCH_HEADER_FIELD(struct orch_verdict_record, name, field)
	H("Commit", commit), H("Tree", tree), H("Reviewer", reviewer), H("Date", date),
	H("Duration", duration), H("Carried-From", carried_from), H("Carried-Base", carried_base),
	H("Signature", signature),
#undef H
};

void orch_verdict_record_release(struct orch_verdict_record *r)
{
	orch_header_fields_free(headers, ARRAY_SIZE(headers), r);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void orch_verdict_records_free(struct orch_verdict_record *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		orch_verdict_record_release(&r[i]);
	free(r);
}

void orch_judgement_result_release(struct orch_judgement_result *r)
{
	free(r->detail);
	orch_verdict_record_release(&r->record);
	memset(r, 0, sizeof(*r));
}

const char *orch_judgement_name(enum orch_judgement k)
{
	switch (k) {
	case ORCH_JUDGE_PASS: return "PASS";
	case ORCH_JUDGE_NONE: return "no verdict";
	case ORCH_JUDGE_FAIL: return "FAIL";
	case ORCH_JUDGE_EMPTY: return "empty note";
	case ORCH_JUDGE_GARBAGE: return "unreadable verdict";
	case ORCH_JUDGE_WRONG_COMMIT: return "verdict copied from another commit";
	case ORCH_JUDGE_WRONG_TREE: return "verdict for another tree";
	case ORCH_JUDGE_STALE: return "stale verdict";
	case ORCH_JUDGE_UNREADABLE: return "note cannot be read";
	case ORCH_JUDGE_UNTRUSTED: return "untrusted verdict";
	case ORCH_JUDGE_CARRY_REFUSED: return "carried verdict refused";
	}
	return "?";
}

char *orch_iso8601(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int orch_parse_iso8601(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	time_t t;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || s[10] != 'T' || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
		return -1;
	if (!strcmp(s + 19, "Z")) {
		sign = 0;
	} else if ((s[19] == '+' || s[19] == '-') && strlen(s + 19) == 6 && s[22] == ':' &&
		   !digits(s + 20, 2, &oh) && !digits(s + 23, 2, &om)) {
		sign = s[19] == '+' ? 1 : -1;
	} else {
		return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	/* timegm() quietly normalises 31 February into March: refuse that. */
	{
		struct tm back;

		gmtime_r(&t, &back);
		if (back.tm_mday != d || back.tm_mon != mo - 1)
			return -1;
	}
	*out = t - sign * (oh * 3600 + om * 60);
	return 0;
}

static int is_hex_oid(const char *s)
{
	size_t n = strlen(s), i;

	if (n != 40 && n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

/* One line of the note without its end (and without a CR before it). */
struct line {
	const char *p;
	size_t n;
};

static int next_line(const char **pos, const char *end, struct line *out)
{
	const char *nl;

	if (*pos >= end)
		return 0;
	nl = memchr(*pos, '\n', (size_t)(end - *pos));
	out->p = *pos;
	out->n = nl ? (size_t)(nl - *pos) : (size_t)(end - *pos);
	*pos = nl ? nl + 1 : end;
	if (out->n && out->p[out->n - 1] == '\r')
		out->n--;
	return 1;
}

static int line_blank(const struct line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!isspace((unsigned char)l->p[i]))
			return 0;
	return 1;
}

static int starts_record(const struct line *l)
{
	return mem_starts_with(l->p, l->n, "Verdict:");
}

static char *trimmed(const char *p, size_t n)
{
	while (n && isspace((unsigned char)*p))
		p++, n--;
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	return xstrndup(p, n);
}

/* Where the value of header `key` (klen bytes) goes; NULL for a header this version does not know. */
static char **header_field(struct orch_verdict_record *r, char **verdict, const char *key, size_t klen)
{
	if (mem_equals(key, klen, "Verdict"))
		return verdict;
	return orch_header_field_find(headers, ARRAY_SIZE(headers), r, key, klen);
}

/* Parses the record starting at *pos; leaves *pos at the next record. */
static int parse_record(const char **pos, const char *end, struct orch_verdict_record *r, char **err)
{
	struct strbuf body = STRBUF_INIT;
	char *verdict = NULL;
	struct line l;
	int in_body = 0;
	const char *save;

	memset(r, 0, sizeof(*r));
	for (save = *pos; next_line(pos, end, &l); save = *pos) {
		const char *colon;
		size_t klen;
		char **field;

		if (in_body) {
			if (starts_record(&l) && body.len && body.buf[body.len - 1] == '\n' &&
			    (body.len == 1 || body.buf[body.len - 2] == '\n')) {
				*pos = save; /* a blank line then "Verdict:": the next record */
				break;
			}
			strbuf_add(&body, l.p, l.n);
			strbuf_addch(&body, '\n');
			continue;
		}
		if (line_blank(&l)) {
			in_body = 1;
			strbuf_addch(&body, '\n');
			continue;
		}
		colon = memchr(l.p, ':', l.n);
		if (!colon) {
			*err = xasprintf("header line without ':' ('%.*s')", (int)(l.n > 40 ? 40 : l.n), l.p);
			goto fail;
		}
		klen = (size_t)(colon - l.p);
		field = header_field(r, &verdict, l.p, klen);
		if (!field)
			continue; /* headers of later versions are ignored, not fatal */
		if (*field) {
			*err = xasprintf("two '%.*s' lines in one record", (int)klen, l.p);
			goto fail;
		}
		*field = trimmed(colon + 1, l.n - klen - 1);
	}

	if (!verdict) {
		*err = xstrdup("no 'Verdict:' line");
		goto fail;
	}
	if (!strcmp(verdict, "PASS")) {
		r->verdict = ORCH_VERDICT_PASS;
	} else if (!strcmp(verdict, "FAIL")) {
		r->verdict = ORCH_VERDICT_FAIL;
	} else {
		*err = xasprintf("Verdict is '%.40s', which is neither PASS nor FAIL", verdict);
		goto fail;
	}
	if (!r->commit) {
		*err = xstrdup("no 'Commit:' line");
		goto fail;
	}
	if (!is_hex_oid(r->commit)) {
		*err = xasprintf("Commit '%.80s' is not a full object id", r->commit);
		goto fail;
	}
	if (r->tree && !is_hex_oid(r->tree)) {
		*err = xasprintf("Tree '%.80s' is not a full object id", r->tree);
		goto fail;
	}
	if ((r->carried_from && !is_hex_oid(r->carried_from)) ||
	    (r->carried_base && !is_hex_oid(r->carried_base))) {
		*err = xstrdup("Carried-From or Carried-Base is not a full object id");
		goto fail;
	}
	if (!r->carried_from != !r->carried_base) {
		*err = xstrdup("a carried record needs both Carried-From and Carried-Base");
		goto fail;
	}
	if (r->date && orch_parse_iso8601(r->date, &r->when) < 0) {
		*err = xasprintf("Date '%.40s' is not ISO 8601 (like 2026-11-24T18:00:00Z)", r->date);
		goto fail;
	}
	/* Drop the blank line that separates headers and body, and trailing ones. */
	while (body.len && body.buf[body.len - 1] == '\n')
		body.buf[--body.len] = '\0';
	r->body = xstrdup(body.len && body.buf[0] == '\n' ? body.buf + 1 : strbuf_str(&body));
	strbuf_release(&body);
	free(verdict);
	return 0;
fail:
	strbuf_release(&body);
	free(verdict);
	orch_verdict_record_release(r);
	return -1;
}

int orch_note_parse(const char *text, size_t len, struct orch_verdict_record **out, char **err)
{
	const char *pos = text, *end = text + len;
	struct orch_verdict_record *recs = NULL;
	int n = 0;

	*out = NULL;
	*err = NULL;
	if (memchr(text, '\0', len)) {
		*err = xstrdup("the note holds a NUL byte");
		return -1;
	}
	for (;;) {
		struct line l;
		const char *save = pos;

		/* Skip blank lines between records. */
		while (next_line(&pos, end, &l) && line_blank(&l))
			save = pos;
		pos = save;
		if (pos >= end)
			break;
		recs = xrealloc(recs, (size_t)(n + 1) * sizeof(*recs));
		if (parse_record(&pos, end, &recs[n], err) < 0) {
			orch_verdict_records_free(recs, n);
			return -1;
		}
		n++;
	}
	*out = recs;
	return n;
}

static char *first_line(const char *body)
{
	const char *p = body;

	while (*p) {
		size_t n = strcspn(p, "\n");
		char *t = trimmed(p, n);

		if (*t)
			return t;
		free(t);
		p += n + (p[n] == '\n');
	}
	return xstrdup("(no reason given)");
}

static int record_cmp(const struct orch_verdict_record *a, const struct orch_verdict_record *b)
{
	/* A verdict on the commit itself outranks any carried one, newer or not. */
	if (!a->carried_from != !b->carried_from)
		return a->carried_from ? -1 : 1;
	if (a->when != b->when)
		return a->when < b->when ? -1 : 1;
	/* Same time: FAIL outranks PASS, so a tie can never open the gate. */
	return (int)b->verdict - (int)a->verdict;
}

void orch_note_judge(const char *text, size_t len, const char *commit_hex,
		     const char *tree_hex, struct orch_judgement_result *out)
{
	struct orch_verdict_record *recs = NULL;
	char *err = NULL;
	int n, i, best = 0;

	memset(out, 0, sizeof(*out));
	n = orch_note_parse(text, len, &recs, &err);
	if (n < 0) {
		out->kind = ORCH_JUDGE_GARBAGE;
		out->detail = err;
		return;
	}
	if (n == 0) {
		out->kind = ORCH_JUDGE_EMPTY;
		out->detail = xstrdup("the note is empty");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(recs[i].commit, commit_hex)) {
			out->kind = ORCH_JUDGE_WRONG_COMMIT;
			out->detail = xasprintf("the note says Commit %s", recs[i].commit);
			goto done;
		}
		if (tree_hex && recs[i].tree && strcmp(recs[i].tree, tree_hex)) {
			out->kind = ORCH_JUDGE_WRONG_TREE;
			out->detail = xasprintf("the note says Tree %s, the commit has %s",
						recs[i].tree, tree_hex);
			goto done;
		}
		if (record_cmp(&recs[i], &recs[best]) > 0)
			best = i;
	}
	out->record = recs[best];
	memset(&recs[best], 0, sizeof(recs[best]));
	out->has_record = 1;
	if (out->record.verdict == ORCH_VERDICT_PASS) {
		out->kind = ORCH_JUDGE_PASS;
	} else {
		out->kind = ORCH_JUDGE_FAIL;
		out->detail = first_line(out->record.body);
	}
done:
	orch_verdict_records_free(recs, n);
}

/* A verdict note leaves an empty header out. */
static void add_header(struct strbuf *sb, const char *key, const char *value)
{
	if (value && *value)
		strbuf_add_header(sb, key, value);
}

char *orch_note_format(const struct orch_verdict_record *r)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	size_t written = 0, i;

	add_header(&sb, "Verdict", r->verdict == ORCH_VERDICT_PASS ? "PASS" : "FAIL");
	for (i = 0; i < ARRAY_SIZE(headers); i++)
		add_header(&sb, headers[i].name, orch_header_field_value(&headers[i], r));
	if (r->body && *r->body) {
		strbuf_addch(&sb, '\n');
		for (p = r->body; *p;) {
			size_t n = strcspn(p, "\n"), keep = n;

			/* A reader drops a CR before the line end: drop them all, so
			 * that the text reads back as written. */
			while (keep && p[keep - 1] == '\r')
				keep--;
			if (written + n > ORCH_NOTE_MAX_BODY) {
				strbuf_adds(&sb, "[... reasons truncated by orch-hooks]\n");
				break;
			}
			if (mem_starts_with(p, n, "Verdict:"))
				strbuf_addch(&sb, ' ');
			strbuf_add(&sb, p, keep);
			strbuf_addch(&sb, '\n');
			written += n + 1;
			p += n + (p[n] == '\n');
		}
		while (sb.len >= 2 && sb.buf[sb.len - 1] == '\n' && sb.buf[sb.len - 2] == '\n')
			sb.buf[--sb.len] = '\0';
	}
	return strbuf_detach(&sb);
}
