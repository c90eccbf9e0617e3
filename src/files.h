#ifndef ORCH_FILES_H
#define ORCH_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "strbuf.h"

/*
 * Files on disk, read and written one way everywhere: every read is bounded
 * by a limit named after what is read, every file another process may read
 * is written whole and renamed into place, and temporary files go under
 * $TMPDIR first. No libgit2 here: the light hook front ends link this.
 */

/* What a read is for; each names its size limit (see orch_read_limit). */
enum orch_read_what {
	ORCH_READ_POLICY,	/* an orch-hooks.ini (regular file) */
	ORCH_READ_GIT_STATE,	/* MERGE_HEAD, FETCH_HEAD, a ".git" file, our hand-off files (regular) */
	ORCH_READ_SIGNATURE,	/* an ssh-keygen signature */
	ORCH_READ_CONTENT,	/* a file whose bytes are hashed or compared (snapshots, chained hooks) */
	ORCH_READ_PROGRAM,	/* a hook program, read to install or inspect it */
	ORCH_READ_INDEX,	/* git's index, copied whole (regular file) */
	ORCH_READ_REFLOG,	/* a reflog, read to see who moved a ref (regular file) */
};

/* The most bytes a read of this kind accepts. */
size_t orch_read_limit(enum orch_read_what what);

/*
 * Appends the file at `path` to sb. -1 with errno set on failure: EFBIG past
 * the limit; for the kinds that must be regular files, EISDIR for a
 * directory and EINVAL for a FIFO or device (never waited on).
 */
int orch_read_file(struct strbuf *sb, const char *path, enum orch_read_what what);

/* The same with an explicit limit (0: none) for a stream such as a pipe; `regular` as above. */
int orch_read_file_max(struct strbuf *sb, const char *path, size_t max, int regular);

/*
 * The same from an open file descriptor (a file opened with openat, say),
 * read to its end; max (0: none) bounds sb->len as above. The caller closes fd.
 */
int orch_read_fd(struct strbuf *sb, int fd, size_t max);

/*
 * Writes `path` whole: into a temporary file beside it, fsynced, then
 * renamed over it, so a reader sees the old content or the new, never a
 * part. The temporary file is removed on failure. 0, or -1 with errno set.
 */
int orch_write_file_atomic(const char *path, const void *buf, size_t len);

/* The same, the file getting exactly `mode` (no umask): for a program such as a hook. */
int orch_write_file_atomic_mode(const char *path, const void *buf, size_t len, mode_t mode);

/* Writes a file whole in place and fsyncs it; -1 with errno set (nothing left behind) on error. */
int orch_write_file(const char *path, const void *buf, size_t len);

/* The directory for temporary files: $TMPDIR when set and not empty, else /tmp. */
const char *orch_tmpdir(void);

/* "<tmpdir>/<name>" (caller frees): a template for mkstemp/mkdtemp, for instance. */
char *orch_tmp_path(const char *name);

#endif
