#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-record.h"

#define C1 "0123456789abcdef0123456789abcdef01234567"
#define T1 "1111111111111111111111111111111111111111"
#define T2 "2222222222222222222222222222222222222222"
#define HEAD_PASS "Tests: PASS\nCommit: " C1 "\nTree: " T1 "\nCommand: make check\nDate: 2026-12-02T01:00:00Z\n"

/* Parses text; it must hold n records. */
static struct orch_test_record *parse_ok(const char *text, int n)
{
	struct orch_test_record *r = NULL;
	char *err = NULL;
	int got = orch_test_records_parse(text, strlen(text), &r, &err);

	if (got != n)
		fail_msg("parsed %d records (%s), want %d", got, err ? err : "-", n);
	assert_null(err);
	return r;
}

/* Parses len bytes of text; they must be refused, and the reason must contain `want`. */
static void parse_bad_n(const char *text, size_t len, const char *want)
{
	struct orch_test_record *r = NULL;
	char *err = NULL;

	assert_int_equal(orch_test_records_parse(text, len, &r, &err), -1);
	assert_null(r);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("error '%s' does not say '%s'", err, want);
	free(err);
}

static void parse_bad(const char *text, const char *want)
{
	parse_bad_n(text, strlen(text), want);
}

static void test_full_record(void **state)
{
	const char *text = "Tests: FAIL\nCommit: " C1 "\nTree: " T1 "\nTarget: main\nMerged: " C1 "\n"
			   "Command: make check\nRunner: ci@host\nExit: 2\nDuration: 1.5s\n"
			   "Date: 2026-12-02T01:00:00Z\nAction: undo\nSignature: AAAA+/==\n\nline 1\nline 2\n";
	struct orch_test_record *r = parse_ok(text, 1);

	(void)state;
	assert_int_equal(r[0].passed, 0);
	assert_string_equal(r[0].commit, C1);
	assert_string_equal(r[0].tree, T1);
	assert_string_equal(r[0].target, "main");
	assert_string_equal(r[0].runner, "ci@host");
	assert_string_equal(r[0].exit, "2");
	assert_string_equal(r[0].duration, "1.5s");
	assert_string_equal(r[0].action, "undo");
	assert_string_equal(r[0].signature, "AAAA+/==");
	assert_string_equal(r[0].body, "line 1\nline 2");
	orch_test_records_free(r, 1);
}

static void test_minimal_and_unknown_keys(void **state)
{
	struct orch_test_record *r = parse_ok(HEAD_PASS "X-Later: kept for later versions\n", 1);

	(void)state;
	assert_int_equal(r[0].passed, 1);
	assert_null(r[0].runner);
	assert_null(r[0].signature);
	assert_null(r[0].body);
	orch_test_records_free(r, 1);
}

static void test_several_records(void **state)
{
	/* What `git notes merge -s union` and appending leave. */
	const char *text = HEAD_PASS "\nout\n Tests: PASS inside a body\n\n"
			   "Tests: FAIL\nCommit: " C1 "\nTree: " T2 "\nCommand: x\nDate: d\n";
	struct orch_test_record *r = parse_ok(text, 2);

	(void)state;
	assert_int_equal(r[0].passed, 1);
	assert_string_equal(r[0].body, "out\n Tests: PASS inside a body");
	assert_int_equal(r[1].passed, 0);
	assert_string_equal(r[1].tree, T2);
	orch_test_records_free(r, 2);
}

static void test_records_without_body(void **state)
{
	/* Appended records without output: each ends at its blank line. */
	struct orch_test_record *r = parse_ok(HEAD_PASS "\n" HEAD_PASS "\n" HEAD_PASS, 3);

	(void)state;
	assert_null(r[0].body);
	assert_null(r[1].body);
	orch_test_records_free(r, 3);
}

static void test_truncated(void **state)
{
	(void)state;
	parse_bad("Tests: PASS\nCommit: " C1 "\nTree: " T1 "\n", "has no Command");
	parse_bad("Tests: PASS\nCommit: 0123", "has no Tree");
	parse_bad("Tests: PASS\nCommit: 0123\nTree: " T1 "\nCommand: c\nDate: d\n", "not a full object id");
	parse_bad("Tests: PASS\nCommit: " C1 "\nTree: " T1 "\nCommand: make check\nDa", "is not a 'Key: value'");
	parse_bad("Tests: PA", "not PASS or FAIL");
	parse_bad("Tests: PASS\r\nCommit: " C1 "\r\n", "carriage return");
}

static void test_garbage(void **state)
{
	static const char nul[] = HEAD_PASS "\0rest";

	(void)state;
	parse_bad("", "empty");
	parse_bad("\n\n  \n", "empty");
	parse_bad("Verdict: PASS\n", "does not start with 'Tests:'");
	parse_bad(HEAD_PASS "no colon here\n", "is not a 'Key: value' header");
	parse_bad(HEAD_PASS "Tree: " T2 "\n", "Tree is given twice");
	parse_bad(HEAD_PASS "Tests: FAIL\n", "Tests is given twice");
	parse_bad(HEAD_PASS "Signature: not base64!\n", "not base64");
	parse_bad_n(nul, sizeof(nul) - 1, "NUL byte");
	parse_bad(HEAD_PASS "\nout\n\nTests: PASS\nCommit: " C1 "\n", "has no Tree");
}

/* A PASS of C1 (tree T1) by command at date, nothing else filled in. */
static struct orch_test_record passed(const char *command, const char *date)
{
	const struct orch_test_record r = {
		.passed = 1, .commit = C1, .tree = T1, .command = (char *)command, .date = (char *)date,
	};

	return r;
}

static void test_round_trip(void **state)
{
	struct orch_test_record r = passed("make\ncheck", "2026-12-02T01:00:00Z"), *again;
	char *text, *text2;

	(void)state;
	r.body = "Tests: PASS forged in the output\nok";
	text = orch_test_record_format(&r);
	assert_non_null(strstr(text, "Command: make check\n"));
	assert_non_null(strstr(text, "\n Tests: PASS forged"));
	again = parse_ok(text, 1);
	text2 = orch_test_record_format(&again[0]);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	orch_test_records_free(again, 1);
}

static void test_payload_covers_fields(void **state)
{
	struct orch_test_record a = passed("make check", "d"), b;
	char *pa, *pb;

	(void)state;
	b = a;
	b.tree = T2;
	pa = orch_test_record_payload(&a);
	pb = orch_test_record_payload(&b);
	assert_string_not_equal(pa, pb);
	free(pb);
	b = a;
	b.passed = 0;
	pb = orch_test_record_payload(&b);
	assert_string_not_equal(pa, pb);
	assert_non_null(strstr(pa, "orch-hooks tests v1\nresult PASS\ncommit " C1 "\ntree " T1 "\n"));
	free(pa);
	free(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_record),
		cmocka_unit_test(test_minimal_and_unknown_keys),
		cmocka_unit_test(test_several_records),
		cmocka_unit_test(test_records_without_body),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_payload_covers_fields),
	};

	return cmocka_run_group_tests_name("test-record", tests, NULL, NULL);
}
