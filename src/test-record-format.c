#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "header-fields.h"
#include "strbuf.h"
#include "test-record.h"

/* The test record format: parsing and writing, no repository (fuzzed: fuzz/fuzz-test-record.c). */

/*
 * The headers after "Tests:", in the order a record is written, and the
 * field each fills (header-fields.h).
 */
static const struct orch_header_field headers[] = {
#define H(name, field) ORCH_HEADER_FIELD(struct orch_test_record, name, field)
	H("Commit", commit), H("Tree", tree), H("Target", target), H("Merged", merged),
	H("Command", command), H("Runner", runner), H("Exit", exit), H("Duration", duration),
	H("Date", date), H("Action", action), H("Worktree", worktree), H("Signature", signature),
#undef H
};

void orch_test_record_release(struct orch_test_record *r)
{
	orch_header_fields_free(headers, ARRAY_SIZE(headers), r);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void orch_test_records_free(struct orch_test_record *r, int n)
{
	int i;

	for (i = 0; r && i < n; i++)
		orch_test_record_release(&r[i]);
	free(r);
}

/* ---- parsing ------------------------------------------------------------- */

static int is_hex_oid(const char *s)
{
	return s && strlen(s) == GIT_OID_HEXSZ && strspn(s, "0123456789abcdef") == GIT_OID_HEXSZ;
}

static int is_base64(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == strlen(s);
}

static int starts_record(const char *line, size_t n)
{
	return mem_starts_with(line, n, "Tests:");
}

/* One header line into r; NULL when fine, else what is wrong (caller frees). */
static char *parse_header(struct orch_test_record *r, const char *line, size_t n, int *seen_tests)
{
	size_t klen = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-");
	const char *v;
	size_t vlen;
	char **field;

	if (!klen || klen >= n || line[klen] != ':')
		return xasprintf("'%.*s' is not a 'Key: value' header", (int)(n > 60 ? 60 : n), line);
	v = line + klen + 1;
	vlen = n - klen - 1;
	if (vlen && *v == ' ')
		v++, vlen--;
	/* What the writer would turn into a space must not be signed as it stands. */
	if (memchr(line, '\r', n))
		return xasprintf("the %.*s header holds a carriage return (CRLF line ends?)", (int)klen, line);
	if (mem_equals(line, klen, "Tests")) {
		if (*seen_tests)
			return xstrdup("Tests is given twice");
		*seen_tests = 1;
		if (mem_equals(v, vlen, "PASS"))
			r->passed = 1;
		else if (!mem_equals(v, vlen, "FAIL"))
			return xasprintf("Tests is '%.*s', not PASS or FAIL", (int)(vlen > 20 ? 20 : vlen), v);
		return NULL;
	}
	field = orch_header_field_find(headers, ARRAY_SIZE(headers), r, line, klen);
	if (!field)
		return NULL;	/* a header of a later version: ignored */
	if (*field)
		return xasprintf("%.*s is given twice", (int)klen, line);
	*field = xstrndup(v, vlen);
	return NULL;
}

/* What a complete record must hold; NULL when it does, else what is missing (caller frees). */
static char *check_record(const struct orch_test_record *r)
{
	if (!r->commit || !r->tree || !r->command || !r->date)
		return xasprintf("the record has no %s (a truncated note?)",
				 !r->commit ? "Commit" : !r->tree ? "Tree" : !r->command ? "Command" : "Date");
	if (!is_hex_oid(r->commit) || !is_hex_oid(r->tree))
		return xasprintf("the record's %s is not a full object id", is_hex_oid(r->commit) ? "Tree" : "Commit");
	if (r->signature && !is_base64(r->signature))
		return xstrdup("the record's Signature is not base64 (a damaged note?)");
	return NULL;
}

/* Reads one record starting at *pos (a "Tests:" line); moves *pos past it. */
static char *parse_one(const char *text, size_t len, size_t *pos, struct orch_test_record *r)
{
	struct strbuf body = STRBUF_INIT;
	int seen_tests = 0, in_body = 0, blank_before = 0;
	size_t p = *pos;
	char *err = NULL;

	while (p < len && !err) {
		const char *line = text + p, *nl = memchr(line, '\n', len - p);
		size_t n = nl ? (size_t)(nl - line) : len - p;

		if (in_body && blank_before && starts_record(line, n))
			break;	/* the next record */
		p += n + (nl != NULL);
		if (!in_body && n == 0) {
			in_body = blank_before = 1;	/* a record without a body may end here */
			continue;
		}
		if (!in_body) {
			err = parse_header(r, line, n, &seen_tests);
			continue;
		}
		blank_before = n == 0;
		strbuf_add(&body, line, n);
		strbuf_addch(&body, '\n');
	}
	*pos = p;
	if (!err)
		err = check_record(r);
	while (body.len && body.buf[body.len - 1] == '\n')
		body.buf[--body.len] = '\0';
	if (body.len)
		r->body = strbuf_detach(&body);
	strbuf_release(&body);
	return err;
}

int orch_test_records_parse(const char *data, size_t len, struct orch_test_record **out, char **err)
{
	struct orch_test_record *recs = NULL;
	char *text;
	size_t pos = 0;
	int n = 0;

	*out = NULL;
	*err = NULL;
	if (memchr(data, '\0', len)) {
		*err = xstrdup("the note holds a NUL byte: not a test record");
		return -1;
	}
	text = xstrndup(data, len);	/* terminated, so no scan runs past the end */
	for (;;) {
		while (pos < len && (text[pos] == '\n' || text[pos] == ' ' || text[pos] == '\t' ||
				     text[pos] == '\r'))
			pos++;
		if (pos >= len)
			break;
		if (!starts_record(text + pos, len - pos)) {
			*err = xstrdup(n ? "text after a record that does not start with 'Tests:'"
					 : "not a test record (it does not start with 'Tests:')");
			goto fail;
		}
		if (n == ORCH_TEST_RECORDS_MAX) {
			*err = xasprintf("more than %d records in one note", ORCH_TEST_RECORDS_MAX);
			goto fail;
		}
		recs = xrealloc(recs, (size_t)(n + 1) * sizeof(*recs));
		memset(&recs[n], 0, sizeof(*recs));
		*err = parse_one(text, len, &pos, &recs[n++]);
		if (*err)
			goto fail;
	}
	free(text);
	if (!n) {
		*err = xstrdup("the note is empty");
		return -1;
	}
	*out = recs;
	return n;
fail:
	free(text);
	orch_test_records_free(recs, n);
	return -1;
}

/* ---- writing --------------------------------------------------------------- */

/* A header value on one line: newlines and carriage returns become spaces. */
char *orch_test_record_format(const struct orch_test_record *r)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	size_t i;

	strbuf_addf(&sb, "Tests: %s\n", r->passed ? "PASS" : "FAIL");
	for (i = 0; i < ARRAY_SIZE(headers); i++)
		strbuf_add_header(&sb, headers[i].name, orch_header_field_value(&headers[i], r));
	if (r->body && *r->body) {
		strbuf_addch(&sb, '\n');
		/* A body line must not pass for the start of another record. */
		for (p = r->body; *p;) {
			size_t len = strcspn(p, "\n");

			if (starts_record(p, len))
				strbuf_addch(&sb, ' ');
			strbuf_add(&sb, p, len);
			strbuf_addch(&sb, '\n');
			p += len + (p[len] == '\n');
		}
	}
	return strbuf_detach(&sb);
}

char *orch_test_record_payload(const struct orch_test_record *r)
{
#define S(f) (r->f ? r->f : "")
	/* Line-based and explicit, so no field can bleed into another. */
	return xasprintf("orch-hooks tests v1\nresult %s\ncommit %s\ntree %s\ncommand %s\nrunner %s\n"
			 "exit %s\nduration %s\ndate %s\n", r->passed ? "PASS" : "FAIL", S(commit), S(tree),
			 S(command), S(runner), S(exit), S(duration), S(date));
#undef S
}

char *orch_test_command_line(const char *command)
{
	char *s = xstrdup(command ? command : ""), *p;

	for (p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

char *orch_test_runner(void)
{
	const char *env = getenv("ORCH_HOOKS_RUNNER"), *user = getenv("USER");
	char host[256];

	if (env && *env)
		return xstrdup(env);
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	return xasprintf("%s@%s", user && *user ? user : "orch-hooks", host);
}
