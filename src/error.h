#ifndef ORCH_ERROR_H
#define ORCH_ERROR_H

/*
 * The one error channel. Messages for people: every line starts with
 * "orch-hooks: " and goes to stderr, through orch_error() or orch_say()
 * only. The error helpers return -1 so that "report, set ret, goto done"
 * fits on one line.
 *
 * Three ways a failure travels, each for one kind of code:
 * - code that decides prints at once with orch_error() and returns -1;
 * - code that libgit2 calls back, or a helper whose caller adds the
 *   context, sets libgit2's error slot (orch_git_error_set) and returns -1;
 *   the caller reports it with orch_git_error("what failed");
 * - pure parsers (note, policy, test record, receive lines: no I/O, fuzzed)
 *   hand the reason back in a `char **err` the caller frees, as git's ref
 *   code fills a `struct strbuf *err`; they never print, and the caller
 *   prints it with its own context (which ref, which file) through orch_error.
 * orch_error/orch_say need no libgit2 (src/error.c); the libgit2 half is
 * src/error-git.c.
 */

#define ORCH_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* "orch-hooks: <msg>\n" on stderr; returns -1. */
int orch_error(const char *fmt, ...) ORCH_PRINTF(1, 2);

/* Same as orch_error, for warnings and notes; returns 0. */
int orch_say(const char *fmt, ...) ORCH_PRINTF(1, 2);

/* "orch-hooks: <msg>: <libgit2's last error>"; returns -1. */
int orch_git_error(const char *fmt, ...) ORCH_PRINTF(1, 2);

/*
 * Makes the formatted message libgit2's last error, so callers report it as
 * any other (with orch_git_error); returns -1.
 */
int orch_git_error_set(const char *fmt, ...) ORCH_PRINTF(1, 2);

/* The text of libgit2's last error, never NULL. */
const char *orch_git_error_text(void);

#endif
