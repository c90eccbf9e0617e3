/* Unit tests for the file helpers (src/files.c): bounded reads, atomic writes, TMPDIR. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "files.h"
#include "scratch.h"

static char *file_of_size(const char *name, size_t n)
{
	char *path = xasprintf("%s/%s", scratch, name);
	char *data = xmalloc(n);

	memset(data, 'x', n);
	assert_int_equal(orch_write_file(path, data, n), 0);
	free(data);
	return path;
}

/* Exactly the limit is read; one byte more is EFBIG, whatever the kind. */
static void test_limits(void **state)
{
	static const enum orch_read_what kinds[] = { ORCH_READ_POLICY, ORCH_READ_SIGNATURE };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t max = orch_read_limit(kinds[i]);
		char *at = file_of_size("at", max), *over = file_of_size("over", max + 1);
		struct strbuf sb = STRBUF_INIT;

		assert_int_equal(orch_read_file(&sb, at, kinds[i]), 0);
		assert_int_equal(sb.len, max);
		strbuf_reset(&sb);
		errno = 0;
		assert_int_equal(orch_read_file(&sb, over, kinds[i]), -1);
		assert_int_equal(errno, EFBIG);
		strbuf_release(&sb);
		free(at);
		free(over);
	}
}

/* From an open descriptor: to its end, or EFBIG past max (0: no limit); the caller's fd stays open. */
static void test_read_fd(void **state)
{
	char *path = file_of_size("fd", 100000);
	struct strbuf sb = STRBUF_INIT;
	int fd = open(path, O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(orch_read_fd(&sb, fd, 0), 0);
	assert_int_equal(sb.len, 100000);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	strbuf_reset(&sb);
	assert_int_equal(orch_read_fd(&sb, fd, 100000), 0);
	assert_int_equal(sb.len, 100000);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	strbuf_reset(&sb);
	errno = 0;
	assert_int_equal(orch_read_fd(&sb, fd, 99999), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(close(fd), 0);
	strbuf_release(&sb);
	free(path);
}

/* The limits are ordered as their uses need: a policy is small, an index large. */
static void test_limit_values(void **state)
{
	(void)state;
	assert_int_equal(orch_read_limit(ORCH_READ_POLICY), 1024 * 1024);
	assert_int_equal(orch_read_limit(ORCH_READ_SIGNATURE), 64 * 1024);
	assert_true(orch_read_limit(ORCH_READ_GIT_STATE) >= orch_read_limit(ORCH_READ_POLICY));
	assert_true(orch_read_limit(ORCH_READ_INDEX) > orch_read_limit(ORCH_READ_PROGRAM));
}

/* The kinds that must be regular files refuse a directory and a FIFO (without waiting on it). */
static void test_regular_only(void **state)
{
	char *fifo = xasprintf("%s/fifo", scratch);
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	errno = 0;
	assert_int_equal(orch_read_file(&sb, fifo, ORCH_READ_GIT_STATE), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(orch_read_file(&sb, scratch, ORCH_READ_POLICY), -1);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(orch_read_file(&sb, "/nonexistent/x", ORCH_READ_CONTENT), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(sb.buf, "");
	unlink(fifo);
	free(fifo);
	strbuf_release(&sb);
}

/* An atomic write replaces the file whole and leaves no temporary file behind. */
static void test_atomic_write(void **state)
{
	char *path = xasprintf("%s/atomic", scratch), *cmd;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(orch_write_file_atomic(path, "first\n", 6), 0);
	assert_int_equal(orch_write_file_atomic(path, "second\n", 7), 0);
	assert_int_equal(orch_read_file(&sb, path, ORCH_READ_GIT_STATE), 0);
	assert_string_equal(sb.buf, "second\n");
	cmd = xasprintf("test \"$(ls '%s' | grep -c atomic)\" = 1", scratch);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* A directory where the file should go: the write fails and cleans up. */
	free(path);
	path = xasprintf("%s/no-such-dir/atomic", scratch);
	assert_int_equal(orch_write_file_atomic(path, "x", 1), -1);
	assert_int_equal(errno, ENOENT);
	strbuf_release(&sb);
	free(path);
}

static void test_tmpdir(void **state)
{
	char *saved = getenv("TMPDIR") ? xstrdup(getenv("TMPDIR")) : NULL, *p;

	(void)state;
	setenv("TMPDIR", "/some/where", 1);
	p = orch_tmp_path("x-XXXXXX");
	assert_string_equal(p, "/some/where/x-XXXXXX");
	free(p);
	setenv("TMPDIR", "", 1);
	assert_string_equal(orch_tmpdir(), "/tmp");
	unsetenv("TMPDIR");
	assert_string_equal(orch_tmpdir(), "/tmp");
	if (saved)
		setenv("TMPDIR", saved, 1);
	free(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_read_fd),
		cmocka_unit_test(test_limit_values),
		cmocka_unit_test(test_regular_only),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_tmpdir),
	};

	return cmocka_run_group_tests(tests, scratch_make, scratch_remove);
}
