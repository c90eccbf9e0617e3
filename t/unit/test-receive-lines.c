/* Unit tests for the parser of pre-receive's stdin (src/receive-lines.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "receive-lines.h"
#include "strbuf.h"

#define ZERO "0000000000000000000000000000000000000000"
#define A "1111111111111111111111111111111111111111"
#define B "abcdef0123456789abcdef0123456789abcdef01"

static int parse(const char *text, struct orch_ref_updates *u, char **err)
{
	return orch_ref_updates_parse(u, text, strlen(text), err);
}

static void expect_error(const char *text, const char *what)
{
	struct orch_ref_updates u;
	char *err = NULL;

	assert_int_equal(parse(text, &u, &err), -1);
	assert_non_null(err);
	if (!strstr(err, what))
		fail_msg("error '%s' does not mention '%s'", err, what);
	assert_int_equal(u.nr, 0);
	assert_null(u.items);
	free(err);
}

static void test_update_create_delete(void **state)
{
	struct orch_ref_updates u;
	char *err = NULL, hex[41];

	(void)state;
	assert_int_equal(parse(A " " B " refs/heads/main\n"
			       ZERO " " A " refs/heads/new\n"
			       B " " ZERO " refs/heads/gone\n", &u, &err), 0);
	assert_null(err);
	assert_int_equal(u.nr, 3);
	assert_string_equal(u.items[0].ref, "refs/heads/main");
	assert_string_equal(git_oid_tostr(hex, sizeof(hex), &u.items[0].old_oid), A);
	assert_string_equal(git_oid_tostr(hex, sizeof(hex), &u.items[0].new_oid), B);
	assert_false(orch_ref_update_is_create(&u.items[0]));
	assert_false(orch_ref_update_is_delete(&u.items[0]));
	assert_true(orch_ref_update_is_create(&u.items[1]));
	assert_false(orch_ref_update_is_delete(&u.items[1]));
	assert_true(orch_ref_update_is_delete(&u.items[2]));
	assert_false(orch_ref_update_is_create(&u.items[2]));
	orch_ref_updates_release(&u);
}

static void test_last_line_without_newline(void **state)
{
	struct orch_ref_updates u;
	char *err = NULL;

	(void)state;
	assert_int_equal(parse(A " " B " refs/notes/verdicts", &u, &err), 0);
	assert_int_equal(u.nr, 1);
	assert_string_equal(u.items[0].ref, "refs/notes/verdicts");
	orch_ref_updates_release(&u);
}

static void test_empty_input(void **state)
{
	struct orch_ref_updates u;
	char *err = NULL;

	(void)state;
	assert_int_equal(parse("", &u, &err), 0);
	assert_int_equal(u.nr, 0);
	orch_ref_updates_release(&u);
}

static void test_odd_ref_names(void **state)
{
	struct orch_ref_updates u;
	char *err = NULL;

	(void)state;
	/* Whatever git allows in a ref name comes through as is, quotes and UTF-8 included. */
	assert_int_equal(parse(A " " B " refs/heads/release/1.0\n"
			       A " " B " refs/heads/it's-$(rm;x)\n"
			       A " " B " refs/heads/caf\xc3\xa9\n"
			       A " " B " refs/tags/v1\n", &u, &err), 0);
	assert_int_equal(u.nr, 4);
	assert_string_equal(u.items[0].ref, "refs/heads/release/1.0");
	assert_string_equal(u.items[1].ref, "refs/heads/it's-$(rm;x)");
	assert_string_equal(u.items[2].ref, "refs/heads/caf\xc3\xa9");
	assert_string_equal(u.items[3].ref, "refs/tags/v1");
	orch_ref_updates_release(&u);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_error("garbage\n", "line 1: want");
	expect_error(A " " B "\n", "line 1: want");
	expect_error(A " " B " refs/heads/main\nnope\n", "line 2: want");
	expect_error(A " " B " \n", "ref name");
	expect_error(A " " B " refs/heads/a b\n", "ref name");
	expect_error(A " " B " refs/heads/a\tb\n", "ref name");
	expect_error(A " " B " refs/heads/a\r\n", "ref name");
	expect_error("111 " B " refs/heads/main\n", "40 lowercase hex");
	expect_error(A "1 " B " refs/heads/main\n", "40 lowercase hex");
	expect_error("ABCDEF0123456789ABCDEF0123456789ABCDEF01 " A " refs/heads/main\n", "40 lowercase hex");
	expect_error("g111111111111111111111111111111111111111 " A " refs/heads/main\n", "40 lowercase hex");
	expect_error(A "  " B " refs/heads/main\n", "40 lowercase hex");
	expect_error(ZERO " " ZERO " refs/heads/main\n", "both object ids are zero");
	expect_error(A " " B " refs/heads/main\n\n", "line 2: an empty line");
	{
		const char text[] = A " " B " refs/heads/ma\0in\n";
		struct orch_ref_updates u;
		char *err = NULL;

		assert_int_equal(orch_ref_updates_parse(&u, text, sizeof(text) - 1, &err), -1);
		assert_non_null(strstr(err, "NUL"));
		free(err);
	}
}

static void test_many_lines(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct orch_ref_updates u;
	char *err = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < 5000; i++)
		strbuf_addf(&sb, "%s %s refs/heads/topic/%zu\n", A, B, i);
	assert_int_equal(orch_ref_updates_parse(&u, sb.buf, sb.len, &err), 0);
	assert_int_equal(u.nr, 5000);
	assert_string_equal(u.items[0].ref, "refs/heads/topic/0");
	assert_string_equal(u.items[4999].ref, "refs/heads/topic/4999");
	orch_ref_updates_release(&u);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_create_delete),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_odd_ref_names),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_many_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
