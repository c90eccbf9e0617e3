/* Unit tests for the string buffer (src/strbuf.c): its buffer is never NULL. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strbuf.h"

static void test_init_is_empty_string(void **state)
{
	struct strbuf a = STRBUF_INIT, b;

	(void)state;
	strbuf_init(&b);
	assert_non_null(a.buf);
	assert_non_null(b.buf);
	assert_string_equal(a.buf, "");
	assert_int_equal(a.len, 0);
	assert_ptr_equal(strbuf_str(&a), a.buf);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_release_and_reset_leave_a_string(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_adds(&sb, "abc");
	assert_string_equal(sb.buf, "abc");
	strbuf_reset(&sb);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_addf(&sb, "%d-%s", 7, "x");
	assert_string_equal(sb.buf, "7-x");
	strbuf_release(&sb);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	/* Resetting the shared empty buffer must not write to it. */
	strbuf_reset(&sb);
	strbuf_release(&sb);
	assert_string_equal(strbuf_empty, "");
}

static void test_detach_empty_is_owned(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = strbuf_detach(&sb);

	(void)state;
	assert_string_equal(p, "");
	assert_ptr_not_equal(p, strbuf_empty);
	free(p);
	strbuf_adds(&sb, "kept");
	p = strbuf_detach(&sb);
	assert_string_equal(p, "kept");
	assert_string_equal(sb.buf, "");
	free(p);
}

/* A zeroed struct (memset, calloc) still works. */
static void test_zeroed_struct(void **state)
{
	struct strbuf sb;

	(void)state;
	memset(&sb, 0, sizeof(sb));
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_addch(&sb, 'z');
	assert_string_equal(sb.buf, "z");
	strbuf_release(&sb);
	assert_non_null(sb.buf);
}

static void test_prefixes(void **state)
{
	const char *rest = NULL;

	(void)state;
	assert_true(starts_with("refs/heads/main", "refs/heads/"));
	assert_false(starts_with("refs/head", "refs/heads/"));
	assert_true(starts_with("x", ""));
	assert_true(skip_prefix("refs/heads/main", "refs/heads/", &rest));
	assert_string_equal(rest, "main");
	rest = NULL;
	assert_false(skip_prefix("refs/tags/v1", "refs/heads/", &rest));
	assert_null(rest);
	assert_true(skip_prefix("pull", "pull", &rest));
	assert_string_equal(rest, "");
	/* Counted bytes: no NUL needed, and never read past n. */
	assert_true(mem_starts_with("Verdict: PASS", 8, "Verdict:"));
	assert_false(mem_starts_with("Verdict: PASS", 7, "Verdict:"));
	assert_true(mem_equals("PASSED", 4, "PASS"));
	assert_false(mem_equals("PASSED", 5, "PASS"));
	assert_false(mem_equals("PAS", 3, "PASS"));
}

static void test_add_header(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_add_header(&sb, "Commit", "abc");
	strbuf_add_header(&sb, "Runner", NULL);
	strbuf_add_header(&sb, "Exit", "");
	/* A header is one line: a line break a value smuggles in is folded. */
	strbuf_add_header(&sb, "Command", "make\nVerdict: PASS\r");
	assert_string_equal(sb.buf, "Commit: abc\nExit: \nCommand: make Verdict: PASS \n");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_is_empty_string),
		cmocka_unit_test(test_release_and_reset_leave_a_string),
		cmocka_unit_test(test_detach_empty_is_owned),
		cmocka_unit_test(test_zeroed_struct),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_add_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
