/* The verdict rule of orch-hooks review: which output line decides, and how. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "review-verdict.h"

static int find(const char *out, enum orch_verdict_value *v, char **reason)
{
	return orch_review_find_verdict(out, strlen(out), v, reason);
}

static void test_pass_alone(void **state)
{
	enum orch_verdict_value v = ORCH_VERDICT_FAIL;
	char *reason = NULL;

	(void)state;
	assert_int_equal(find("looked at 3 files\nPASS\n", &v, &reason), 1);
	assert_int_equal(v, ORCH_VERDICT_PASS);
	assert_null(reason);
}

static void test_trailing_space_and_crlf(void **state)
{
	enum orch_verdict_value v = ORCH_VERDICT_FAIL;
	char *reason = NULL;

	(void)state;
	assert_int_equal(find("PASS \t\r\n\n\n", &v, &reason), 1);
	assert_int_equal(v, ORCH_VERDICT_PASS);
}

static void test_not_a_pass(void **state)
{
	const char *outs[] = { "PASSED\n", "pass\n", " PASS\n", "PASS: fine\n", "Verdict: PASS\n",
			       "all good", "", "\n\n", NULL };
	enum orch_verdict_value v;
	char *reason = NULL;
	int i;

	(void)state;
	for (i = 0; outs[i]; i++)
		assert_int_equal(find(outs[i], &v, &reason), 0);
}

static void test_fail_reason(void **state)
{
	enum orch_verdict_value v = ORCH_VERDICT_PASS;
	char *reason = NULL;

	(void)state;
	assert_int_equal(find("FAIL: src/a.c:3: float for money\n", &v, &reason), 1);
	assert_int_equal(v, ORCH_VERDICT_FAIL);
	assert_string_equal(reason, "src/a.c:3: float for money");
	free(reason);
	assert_int_equal(find("FAIL - too big  \n", &v, &reason), 1);
	assert_string_equal(reason, "too big");
	free(reason);
	assert_int_equal(find("FAIL\n", &v, &reason), 1);
	assert_int_equal(v, ORCH_VERDICT_FAIL);
	assert_null(reason);
	/* Any line starting with FAIL is a FAIL: failing closed. */
	assert_int_equal(find("FAILED 2 tests\n", &v, &reason), 1);
	assert_int_equal(v, ORCH_VERDICT_FAIL);
	assert_string_equal(reason, "FAILED 2 tests");
	free(reason);
}

static void test_last_verdict_line_decides(void **state)
{
	enum orch_verdict_value v;
	char *reason = NULL;

	(void)state;
	assert_int_equal(find("FAIL: first try\nfixed it\nPASS\ncleaning up\n", &v, &reason), 1);
	assert_int_equal(v, ORCH_VERDICT_PASS);
	assert_int_equal(find("PASS\nFAIL: then a.c:1 broke\n", &v, &reason), 1);
	assert_int_equal(v, ORCH_VERDICT_FAIL);
	assert_string_equal(reason, "then a.c:1 broke");
	free(reason);
}

static struct orch_review_exit exited(int code)
{
	struct orch_review_exit e;

	memset(&e, 0, sizeof(e));
	e.started = 1;
	e.exited = 1;
	e.exit_code = code;
	return e;
}

static void test_decide(void **state)
{
	struct orch_review_exit e = exited(0);
	char *reason = NULL;

	(void)state;
	assert_int_equal(orch_review_decide(&e, "PASS\n", 5, &reason), ORCH_VERDICT_PASS);
	free(reason);

	/* A non-zero exit is never a pass. */
	e = exited(3);
	assert_int_equal(orch_review_decide(&e, "PASS\n", 5, &reason), ORCH_VERDICT_FAIL);
	assert_string_equal(reason, "the reviewer exited with status 3 although it printed PASS");
	free(reason);

	/* ... but a FAIL keeps its own reason. */
	assert_int_equal(orch_review_decide(&e, "FAIL: a.c:1: bad\n", 17, &reason), ORCH_VERDICT_FAIL);
	assert_string_equal(reason, "a.c:1: bad");
	free(reason);

	e = exited(0);
	assert_int_equal(orch_review_decide(&e, "garbage\n", 8, &reason), ORCH_VERDICT_FAIL);
	assert_non_null(strstr(reason, "no verdict line"));
	free(reason);

	e.timed_out = 1;
	e.timeout_secs = 5;
	assert_int_equal(orch_review_decide(&e, "PASS\n", 5, &reason), ORCH_VERDICT_FAIL);
	assert_string_equal(reason, "the reviewer timed out after 5s and was killed");
	free(reason);

	e = exited(0);
	e.exited = 0;
	e.signal = 11;
	assert_int_equal(orch_review_decide(&e, "PASS\n", 5, &reason), ORCH_VERDICT_FAIL);
	assert_non_null(strstr(reason, "killed by signal 11"));
	free(reason);

	e = exited(0);
	e.started = 0;
	e.start_error = "cannot run '/bin/sh': No such file";
	assert_int_equal(orch_review_decide(&e, "", 0, &reason), ORCH_VERDICT_FAIL);
	assert_non_null(strstr(reason, "could not be started"));
	free(reason);
}

static void test_references(void **state)
{
	(void)state;
	assert_true(orch_review_has_reference("src/a.c:12: float", 17));
	assert_true(orch_review_has_reference("see (lib/x.h:3)", 15));
	assert_true(orch_review_has_reference("Makefile:7", 10));
	assert_false(orch_review_has_reference("at 12:30:00", 11));
	assert_false(orch_review_has_reference("note: fine", 10));
	assert_false(orch_review_has_reference("a.c: 12", 7));
}

static void test_body_bounded_keeps_references(void **state)
{
	char *out = malloc(200000), *body;
	size_t len = 0;
	int i;

	(void)state;
	len += (size_t)sprintf(out + len, "src/money.c:12: float used for cents\n");
	for (i = 0; i < 5000; i++)
		len += (size_t)sprintf(out + len, "noise line %d\n", i);
	len += (size_t)sprintf(out + len, "FAIL: 1 finding\n");
	body = orch_review_note_body("1 finding", out, len, 0, 4096);
	assert_true(strlen(body) <= 4096);
	assert_int_equal(strncmp(body, "1 finding\n\n", 11), 0);
	assert_non_null(strstr(body, "src/money.c:12: float used for cents\n"));
	assert_non_null(strstr(body, "lines of the reviewer's output left out"));
	assert_non_null(strstr(body, "FAIL: 1 finding\n"));
	free(body);

	/* Small output is kept whole; NUL bytes cannot cut the note short. */
	body = orch_review_note_body("why", "a\0b\nPASS\n", 9, 0, 4096);
	assert_string_equal(body, "why\n\na?b\nPASS\n");
	free(body);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_alone),
		cmocka_unit_test(test_trailing_space_and_crlf),
		cmocka_unit_test(test_not_a_pass),
		cmocka_unit_test(test_fail_reason),
		cmocka_unit_test(test_last_verdict_line_decides),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_body_bounded_keeps_references),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
