/* Unit tests for the files hooks leave each other (src/handoff.c): formats round trip. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "files.h"
#include "handoff.h"
#include "scratch.h"

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"
#define O "0123456789abcdef0123456789abcdef01234567"

static void put(const char *name, const char *text)
{
	char *path = orch_handoff_path(scratch, name);

	assert_int_equal(orch_write_file(path, text, strlen(text)), 0);
	free(path);
}

static char *get(const char *name)
{
	char *path = orch_handoff_path(scratch, name);
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(orch_read_file(&sb, path, ORCH_READ_GIT_STATE), 0);
	free(path);
	return strbuf_detach(&sb);
}

static void test_path(void **state)
{
	char *p = orch_handoff_path("/g/.git/", ORCH_HANDOFF_MARKER), *q = orch_handoff_path("/g/.git", ORCH_HANDOFF_MARKER);

	(void)state;
	assert_string_equal(p, "/g/.git/orch-hooks-merge-pending");
	assert_string_equal(q, p);
	free(p);
	free(q);
}

static void heads_ab(struct strbuf *sb)
{
	orch_handoff_heads_add(sb, A);
	orch_handoff_heads_add(sb, B);
}

/* Written by pre-merge-commit, trusted once by prepare-commit-msg for the same merge. */
static void test_stamp_round_trip(void **state)
{
	struct strbuf heads = STRBUF_INIT;
	int protected = -1;
	char *text;

	(void)state;
	put("ORIG_HEAD", O "\n");
	heads_ab(&heads);
	assert_int_equal(orch_handoff_stamp_write(scratch, 1, &heads), 0);
	text = get(ORCH_HANDOFF_STAMP);
	assert_string_equal(text, "protected\n" O "\n" A "\n" B "\n");
	free(text);
	put("MERGE_HEAD", A "\n" B "\n");
	assert_int_equal(orch_handoff_stamp_take(scratch, &protected), 1);
	assert_int_equal(protected, 1);
	/* Good for one look only. */
	assert_false(orch_handoff_exists(scratch, ORCH_HANDOFF_STAMP));
	assert_int_equal(orch_handoff_stamp_take(scratch, &protected), 0);

	assert_int_equal(orch_handoff_stamp_write(scratch, 0, &heads), 0);
	protected = -1;
	assert_int_equal(orch_handoff_stamp_take(scratch, &protected), 1);
	assert_int_equal(protected, 0);
	strbuf_release(&heads);
}

/* A stamp for other heads, another ORIG_HEAD, or an old one vouches for nothing. */
static void test_stamp_refuses_other_merges(void **state)
{
	struct strbuf heads = STRBUF_INIT;
	struct timeval old[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	int protected;
	char *path;

	(void)state;
	put("ORIG_HEAD", O "\n");
	heads_ab(&heads);
	assert_int_equal(orch_handoff_stamp_write(scratch, 1, &heads), 0);
	put("MERGE_HEAD", A "\n");
	assert_int_equal(orch_handoff_stamp_take(scratch, &protected), 0);
	assert_false(orch_handoff_exists(scratch, ORCH_HANDOFF_STAMP));

	put("MERGE_HEAD", A "\n" B "\n");
	assert_int_equal(orch_handoff_stamp_write(scratch, 1, &heads), 0);
	put("ORIG_HEAD", B "\n");
	assert_int_equal(orch_handoff_stamp_take(scratch, &protected), 0);

	put("ORIG_HEAD", O "\n");
	assert_int_equal(orch_handoff_stamp_write(scratch, 1, &heads), 0);
	path = orch_handoff_path(scratch, ORCH_HANDOFF_STAMP);
	assert_int_equal(utimes(path, old), 0);
	assert_int_equal(orch_handoff_stamp_take(scratch, &protected), 0);
	free(path);

	put(ORCH_HANDOFF_STAMP, "maybe\n" O "\n" A "\n" B "\n");
	assert_int_equal(orch_handoff_stamp_take(scratch, &protected), 0);
	strbuf_release(&heads);
}

static void test_marker_round_trip(void **state)
{
	struct strbuf heads = STRBUF_INIT, got = STRBUF_INIT;

	(void)state;
	heads_ab(&heads);
	assert_int_equal(orch_handoff_marker_write(scratch, &heads), 0);
	assert_true(orch_handoff_exists(scratch, ORCH_HANDOFF_MARKER));
	assert_int_equal(orch_handoff_marker_take(scratch, &got), 2);
	assert_string_equal(got.buf, heads.buf);
	assert_false(orch_handoff_exists(scratch, ORCH_HANDOFF_MARKER));
	strbuf_reset(&got);
	assert_int_equal(orch_handoff_marker_take(scratch, &got), 0);
	assert_string_equal(got.buf, "");

	/* From MERGE_HEAD as git writes it; lines that are not ids are dropped. */
	put("MERGE_HEAD", A "\nnot an id\n" B);
	assert_int_equal(orch_handoff_marker_from_merge_head(scratch), 0);
	assert_int_equal(orch_handoff_marker_take(scratch, &got), 2);
	assert_string_equal(got.buf, A "\n" B "\n");
	strbuf_release(&heads);
	strbuf_release(&got);
}

static void test_unreviewed_round_trip(void **state)
{
	char hex[ORCH_HANDOFF_HEXSZ + 1] = "x";

	(void)state;
	orch_handoff_remove(scratch, ORCH_HANDOFF_UNREVIEWED_MERGE);
	assert_int_equal(orch_handoff_unreviewed_read(scratch, hex), 0);
	assert_string_equal(hex, "");
	assert_int_equal(orch_handoff_unreviewed_write(scratch, O), 0);
	assert_int_equal(orch_handoff_unreviewed_read(scratch, hex), 1);
	assert_string_equal(hex, O);
	put(ORCH_HANDOFF_UNREVIEWED_MERGE, "garbage\n");
	assert_int_equal(orch_handoff_unreviewed_read(scratch, hex), 0);
	orch_handoff_remove(scratch, ORCH_HANDOFF_UNREVIEWED_MERGE);
	assert_false(orch_handoff_exists(scratch, ORCH_HANDOFF_UNREVIEWED_MERGE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_stamp_round_trip),
		cmocka_unit_test(test_stamp_refuses_other_merges),
		cmocka_unit_test(test_marker_round_trip),
		cmocka_unit_test(test_unreviewed_round_trip),
	};

	return cmocka_run_group_tests(tests, scratch_make, scratch_remove);
}
