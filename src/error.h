#ifndef ORCH_ERROR_H
#define ORCH_ERROR_H

/*
 * Messages for people: every line starts with "orch-hooks: " and goes to
 * stderr. The error helpers return -1 so that "report, set ret, goto done"
 * fits on one line.
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
