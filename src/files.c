#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

/* One row per kind of read: its limit, and whether it must be a regular file. */
static const struct {
	size_t max;
	int regular;
} read_kinds[] = {
	[ORCH_READ_POLICY] = { .max = 1024 * 1024, .regular = 1 },
	[ORCH_READ_GIT_STATE] = { .max = 16 * 1024 * 1024, .regular = 1 },
	[ORCH_READ_SIGNATURE] = { .max = 64 * 1024, .regular = 0 },
	[ORCH_READ_CONTENT] = { .max = 64 * 1024 * 1024, .regular = 0 },
	[ORCH_READ_PROGRAM] = { .max = 256 * 1024 * 1024, .regular = 0 },
	[ORCH_READ_INDEX] = { .max = (size_t)1 << 31, .regular = 1 },
	[ORCH_READ_REFLOG] = { .max = 64 * 1024 * 1024, .regular = 1 },
};

size_t orch_read_limit(enum orch_read_what what)
{
	return read_kinds[what].max;
}

int orch_read_fd(struct strbuf *sb, int fd, size_t max)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (max && sb->len + (size_t)n > max) {
			errno = EFBIG;
			return -1;
		}
		strbuf_add(sb, chunk, (size_t)n);
	}
	return 0;
}

int orch_read_file_max(struct strbuf *sb, const char *path, size_t max, int regular)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | (regular ? O_NONBLOCK : 0)), saved;
	struct stat st;

	if (fd < 0)
		return -1;
	if (regular) {
		if (fstat(fd, &st) < 0)
			goto fail;
		if (!S_ISREG(st.st_mode)) {
			errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
			goto fail;
		}
	}
	if (orch_read_fd(sb, fd, max) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int orch_read_file(struct strbuf *sb, const char *path, enum orch_read_what what)
{
	return orch_read_file_max(sb, path, read_kinds[what].max, read_kinds[what].regular);
}

/* Creates "<path>.tmp-<pid>" for writing; a leftover of a dead process of the same pid is replaced. */
static int open_temp(const char *path, char **tmp)
{
	int fd, tries;

	*tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
	for (tries = 0; tries < 2; tries++) {
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		unlink(*tmp);
	}
	return -1;
}

/* `mode` NULL: as open_temp created it. */
static int write_atomic(const char *path, const void *buf, size_t len, const mode_t *mode)
{
	char *tmp = NULL;
	int fd = open_temp(path, &tmp), saved;

	if (fd < 0)
		goto fail;
	if (xwrite_all(fd, buf, len) < 0 || (mode && fchmod(fd, *mode) < 0) || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	saved = errno;
	unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}

int orch_write_file_atomic(const char *path, const void *buf, size_t len)
{
	return write_atomic(path, buf, len, NULL);
}

int orch_write_file_atomic_mode(const char *path, const void *buf, size_t len, mode_t mode)
{
	return write_atomic(path, buf, len, &mode);
}

int orch_write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), saved;

	if (fd < 0)
		return -1;
	if (xwrite_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(path);
		errno = saved;
		return -1;
	}
	return close(fd);
}

const char *orch_tmpdir(void)
{
	const char *env = getenv("TMPDIR");

	return env && *env ? env : "/tmp";
}

char *orch_tmp_path(const char *name)
{
	return xasprintf("%s/%s", orch_tmpdir(), name);
}
