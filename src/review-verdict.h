#ifndef ORCH_REVIEW_VERDICT_H
#define ORCH_REVIEW_VERDICT_H

#include <stddef.h>

#include "note.h"

/*
 * How a reviewer's output becomes a verdict. Pure: no repository, no
 * processes, so the rule can be tested on its own.
 *
 * The rule: the verdict line is the LAST line of the output that, with
 * trailing white space removed, is exactly "PASS" or starts with "FAIL".
 * What follows "FAIL" (after ':', '-' and blanks) is the reason. A line
 * indented, "PASSED" or "pass" is not a verdict line. A PASS counts only
 * if the reviewer also exited with status 0; anything else is a FAIL.
 */

/* The most of a note body review writes (the note format allows more). */
#define ORCH_REVIEW_BODY_MAX (16 * 1024)

/*
 * Finds the verdict line in output[0..len). Returns 1 and sets *verdict
 * and *reason (the FAIL reason, NULL for PASS or a bare FAIL; caller
 * frees), or 0 when there is no verdict line.
 */
int orch_review_find_verdict(const char *output, size_t len, enum orch_verdict_value *verdict,
			     char **reason);

/* 1 if the line carries a "path:line" reference such as src/a.c:12. */
int orch_review_has_reference(const char *line, size_t len);

/* How the reviewer process ended, as far as the verdict cares. */
struct orch_review_exit {
	int started;		/* 0: it could not be started */
	int exited;		/* it exited, with exit_code */
	int exit_code;
	int signal;		/* it died of this signal */
	int timed_out;		/* killed by us at the timeout */
	unsigned timeout_secs;
	const char *start_error;
};

/*
 * The verdict of a review from the way the reviewer ended and what it
 * printed. Never a PASS by default. *reason is the first line of the note
 * body and of the summary (caller frees).
 */
enum orch_verdict_value orch_review_decide(const struct orch_review_exit *how, const char *output,
					   size_t len, char **reason);

/*
 * The note body: the reason, then the output, bounded to `max` bytes:
 * its tail, preceded by the lines with file:line references from the part
 * left out. `truncated` says the output had already lost its head.
 */
char *orch_review_note_body(const char *reason, const char *output, size_t len, int truncated,
			    size_t max);

#endif
