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
#include "unit-helpers.h"

static int find(const char *out, enum orch_verdict_value *v, char **reason)
{
	return orch_review_find_verdict(out, strlen(out), v, reason);
}

/* Reviewer outputs: whether a verdict line is found, the verdict, and FAIL's reason (NULL: none). */
static const struct {
	const char *out;
	int found;
	enum orch_verdict_value verdict;
	const char *reason;
} outputs[] = {
	{ "looked at 3 files\nPASS\n", 1, ORCH_VERDICT_PASS, NULL },
	{ "PASS \t\r\n\n\n", 1, ORCH_VERDICT_PASS, NULL },
	/* Not a PASS line. */
	{ "PASSED\n", 0, 0, NULL },
	{ "pass\n", 0, 0, NULL },
	{ " PASS\n", 0, 0, NULL },
	{ "PASS: fine\n", 0, 0, NULL },
	{ "Verdict: PASS\n", 0, 0, NULL },
	{ "all good", 0, 0, NULL },
	{ "", 0, 0, NULL },
	{ "\n\n", 0, 0, NULL },
	/* FAIL and its reason. */
	{ "FAIL: src/a.c:3: float for money\n", 1, ORCH_VERDICT_FAIL, "src/a.c:3: float for money" },
	{ "FAIL - too big  \n", 1, ORCH_VERDICT_FAIL, "too big" },
	{ "FAIL\n", 1, ORCH_VERDICT_FAIL, NULL },
	/* Any line starting with FAIL is a FAIL: failing closed. */
	{ "FAILED 2 tests\n", 1, ORCH_VERDICT_FAIL, "FAILED 2 tests" },
	/* The last verdict line decides. */
	{ "FAIL: first try\nfixed it\nPASS\ncleaning up\n", 1, ORCH_VERDICT_PASS, NULL },
	{ "PASS\nFAIL: then a.c:1 broke\n", 1, ORCH_VERDICT_FAIL, "then a.c:1 broke" },
};

static void test_find_verdict(void **state)
{
	size_t i, wrong = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(outputs); i++) {
		/* Starts as the other verdict: a found verdict must be written. */
		enum orch_verdict_value v = outputs[i].verdict == ORCH_VERDICT_PASS ? ORCH_VERDICT_FAIL
										   : ORCH_VERDICT_PASS;
		char *reason = NULL;
		int found = find(outputs[i].out, &v, &reason);
		const char *want = outputs[i].reason;

		if (found != outputs[i].found || (found && v != outputs[i].verdict) ||
		    (want ? !reason || strcmp(reason, want) : reason != NULL)) {
			print_error("output %zu: found %d, verdict %d, reason '%s'\n", i + 1, found, (int)v,
				    reason ? reason : "(none)");
			wrong++;
		}
		free(reason);
	}
	if (wrong)
		fail_msg("%zu of %zu outputs read wrong", wrong, ARRAY_SIZE(outputs));
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
		cmocka_unit_test(test_find_verdict),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_body_bounded_keeps_references),
	};

	return cmocka_run_group_tests_name("review-verdict", tests, NULL, NULL);
}
