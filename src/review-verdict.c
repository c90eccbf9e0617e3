#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "review-verdict.h"
#include "strbuf.h"

/* Length of the line at p (without its '\n'), and where the next one starts. */
static size_t line_at(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	*next = nl ? nl + 1 : end;
	return (size_t)((nl ? nl : end) - p);
}

static size_t rtrim_len(const char *p, size_t n)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	return n;
}

/* The reason after "FAIL": "FAIL: x", "FAIL - x", "FAIL x"; a longer word keeps the line. */
static char *fail_reason(const char *p, size_t n)
{
	size_t i = 4;

	if (n > 4 && !strchr(": \t-", p[4]))
		return xstrndup(p, n);
	while (i < n && strchr(": \t-", p[i]))
		i++;
	return i < n ? xstrndup(p + i, n - i) : NULL;
}

int orch_review_find_verdict(const char *output, size_t len, enum orch_verdict_value *verdict,
			     char **reason)
{
	const char *p = output, *end = output + len, *next;
	const char *found = NULL;
	size_t found_len = 0;

	*reason = NULL;
	for (; p < end; p = next) {
		size_t n = rtrim_len(p, line_at(p, end, &next));

		if (mem_equals(p, n, "PASS") || mem_starts_with(p, n, "FAIL")) {
			found = p;
			found_len = n;
		}
	}
	if (!found)
		return 0;
	if (found[0] == 'P') {
		*verdict = ORCH_VERDICT_PASS;
	} else {
		*verdict = ORCH_VERDICT_FAIL;
		*reason = fail_reason(found, found_len);
	}
	return 1;
}

static int is_path_char(char c)
{
	return isalnum((unsigned char)c) || strchr("_./+-~", c);
}

int orch_review_has_reference(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t start = i, j;
		int all_digits = 1;

		if (i > 0 && !strchr(" \t(\"'[<", line[i - 1]))
			continue;
		while (i < len && is_path_char(line[i])) {
			if (!isdigit((unsigned char)line[i]))
				all_digits = 0;
			i++;
		}
		if (i == start || all_digits || i >= len || line[i] != ':')
			continue;
		for (j = i + 1; j < len && isdigit((unsigned char)line[j]); j++)
			;
		if (j > i + 1 && (j == len || strchr(":, \t)]>", line[j])))
			return 1;
	}
	return 0;
}

enum orch_verdict_value orch_review_decide(const struct orch_review_exit *how, const char *output,
					   size_t len, char **reason)
{
	enum orch_verdict_value said = ORCH_VERDICT_FAIL;
	char *text = NULL;
	int found;

	if (!how->started) {
		*reason = xasprintf("the reviewer could not be started: %s",
				    how->start_error ? how->start_error : "unknown error");
		return ORCH_VERDICT_FAIL;
	}
	if (how->timed_out) {
		*reason = xasprintf("the reviewer timed out after %us and was killed", how->timeout_secs);
		return ORCH_VERDICT_FAIL;
	}
	if (!how->exited) {
		*reason = xasprintf("the reviewer was killed by signal %d (%s)", how->signal,
				    strsignal(how->signal));
		return ORCH_VERDICT_FAIL;
	}
	found = orch_review_find_verdict(output, len, &said, &text);
	if (found && said == ORCH_VERDICT_FAIL) {
		if (text)
			*reason = text;
		else if (how->exit_code)
			*reason = xasprintf("the reviewer said FAIL without a reason (exit status %d)",
					    how->exit_code);
		else
			*reason = xstrdup("the reviewer said FAIL without a reason");
		return ORCH_VERDICT_FAIL;
	}
	if (how->exit_code) {
		char why[96] = "";

		/* A shell reports a child that died of signal N as 128 + N. */
		if (how->exit_code == 127)
			snprintf(why, sizeof(why), " (command not found?)");
		else if (how->exit_code > 128 && how->exit_code < 128 + 32)
			snprintf(why, sizeof(why), " (killed by signal %d: %s?)", how->exit_code - 128,
				 strsignal(how->exit_code - 128));
		*reason = xasprintf("the reviewer exited with status %d%s%s", how->exit_code, why,
				    found ? " although it printed PASS" : "");
		return ORCH_VERDICT_FAIL;
	}
	if (!found) {
		*reason = xstrdup("no verdict line in the reviewer's output "
				  "(its last verdict line must be PASS, or FAIL: reason)");
		return ORCH_VERDICT_FAIL;
	}
	*reason = xstrdup("the reviewer said PASS");
	return ORCH_VERDICT_PASS;
}

static void add_clean(struct strbuf *sb, const char *p, size_t n)
{
	size_t i;

	/* A note is text: a NUL would cut it short. */
	for (i = 0; i < n; i++)
		strbuf_addch(sb, p[i] ? p[i] : '?');
}

char *orch_review_note_body(const char *reason, const char *output, size_t len, int truncated,
			    size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	const char *end = output + len, *tail, *p, *next;
	size_t budget, tail_budget, left_out = 0;

	strbuf_addf(&sb, "%s\n", reason);
	while (len && (output[len - 1] == '\n' || output[len - 1] == '\r'))
		end = output + --len;
	if (!len)
		return strbuf_detach(&sb);
	strbuf_addch(&sb, '\n');
	budget = max > sb.len + 256 ? max - sb.len - 256 : 0;

	/* The tail gets three quarters of the room, starting at a line boundary. */
	tail_budget = budget / 4 * 3;
	tail = len > tail_budget ? end - tail_budget : output;
	if (tail > output) {
		const char *nl = memchr(tail, '\n', (size_t)(end - tail));

		tail = nl ? nl + 1 : end;
	}
	budget -= (size_t)(end - tail);

	/* From the part left out, keep what points at files: the reasons of a FAIL. */
	if (truncated)
		strbuf_adds(&sb, "[... the start of the reviewer's output was not kept ...]\n");
	for (p = output; p < tail; p = next) {
		size_t n = line_at(p, tail, &next);

		if (orch_review_has_reference(p, n) && n + 1 <= budget) {
			add_clean(&sb, p, n);
			strbuf_addch(&sb, '\n');
			budget -= n + 1;
		} else {
			left_out++;
		}
	}
	if (left_out)
		strbuf_addf(&sb, "[... %zu line%s of the reviewer's output left out ...]\n", left_out,
			    left_out == 1 ? "" : "s");
	add_clean(&sb, tail, (size_t)(end - tail));
	strbuf_addch(&sb, '\n');
	return strbuf_detach(&sb);
}
