/*
 * The part of the error channel that speaks libgit2, kept apart so that the
 * light hook front ends, which do not link libgit2, report through orch_error().
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include <git2.h>

#include "error.h"
#include "strbuf.h"

const char *orch_git_error_text(void)
{
	const git_error *e = git_error_last();

	/* git_error_last() may be NULL when a call failed without detail. */
	if (!e || !e->message || !*e->message)
		return "unknown libgit2 error";
	return e->message;
}

int orch_git_error(const char *fmt, ...)
{
	va_list ap;

	fputs("orch-hooks: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", orch_git_error_text());
	return -1;
}

/*
 * Formatted apart first: the text may quote libgit2's previous error, whose
 * buffer git_error_set_str() would clear.
 */
int orch_git_error_set(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	git_error_set_str(GIT_ERROR_INVALID, strbuf_str(&sb));
	strbuf_release(&sb);
	return -1;
}
