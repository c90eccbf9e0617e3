#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "value.h"

/* ---- helpers ------------------------------------------------------------ */

/* Parses text (of length len) that must be accepted into a fresh policy. */
static void parse_ok_len(struct orch_policy *p, const char *name, const char *text, size_t len)
{
	char sentinel = 0;
	char *err = &sentinel; /* must come back NULL */
	int ret;

	orch_policy_init(p);
	ret = orch_policy_parse_string(p, name, text, len, &err);
	if (ret != 0)
		fail_msg("policy rejected: %s", err ? err : "(no message)");
	assert_null(err);
}

static void parse_ok(struct orch_policy *p, const char *text)
{
	parse_ok_len(p, "P", text, strlen(text));
}

/* Parses text that must be rejected; returns the message (caller frees). */
static char *parse_err_len(const char *name, const char *text, size_t len)
{
	struct orch_policy p;
	char *err = NULL;
	int ret;

	orch_policy_init(&p);
	ret = orch_policy_parse_string(&p, name, text, len, &err);
	orch_policy_release(&p);
	assert_int_equal(ret, -1);
	assert_non_null(err);
	return err;
}

static void want_error(const char *text, const char *want)
{
	char *err = parse_err_len("P", text, strlen(text));

	assert_string_equal(err, want);
	free(err);
}

static void want_value(const struct orch_policy *p, enum orch_policy_key k, const char *want)
{
	char *v = orch_policy_value_text(p, k);

	assert_string_equal(v, want);
	free(v);
}

static void want_origin(const struct orch_policy *p, enum orch_policy_key k, const char *want)
{
	if (!want) {
		assert_null(p->origin[k]);
		return;
	}
	assert_non_null(p->origin[k]);
	assert_string_equal(p->origin[k], want);
}

/* ---- defaults ----------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct orch_policy p;
	int k;

	(void)state;
	orch_policy_init(&p);

	assert_int_equal(p.protected.nr, 2);
	assert_string_equal(p.protected.items[0], "main");
	assert_string_equal(p.protected.items[1], "master");
	assert_true(orch_patterns_match(&p.protected, "refs/heads/main"));
	assert_true(orch_patterns_match(&p.protected, "master"));
	assert_false(orch_patterns_match(&p.protected, "feature/x"));
	assert_string_equal(p.notes_ref, "refs/notes/verdicts");
	assert_string_equal(p.tests_ref, "refs/notes/tests");
	assert_string_equal(p.review_command, "");
	assert_int_equal(p.review_timeout, 15 * 60);
	assert_int_equal(p.allow_manual, 1);
	assert_int_equal(p.review_sandbox, ORCH_SANDBOX_AUTO);
	assert_int_equal(p.carry_over, ORCH_CARRY_OVER_PATCH_ID);
	assert_string_equal(p.test_command, "");
	assert_int_equal(p.test_timeout, 30 * 60);
	assert_int_equal(p.on_failure, ORCH_ON_FAILURE_UNDO);
	assert_int_equal(p.test_reuse, 1);
	assert_int_equal(p.allow_direct, 0);
	assert_string_equal(p.server_test_command, "");
	assert_int_equal(p.server_test_timeout, 30 * 60);
	assert_string_equal(p.path, "built-in defaults");
	for (k = 0; k < ORCH_KEY__COUNT; k++)
		assert_null(p.origin[k]);

	want_value(&p, ORCH_KEY_PROTECTED, "main master");
	want_value(&p, ORCH_KEY_NOTES_REF, "refs/notes/verdicts");
	want_value(&p, ORCH_KEY_TESTS_REF, "refs/notes/tests");
	want_value(&p, ORCH_KEY_REVIEW_COMMAND, "");
	want_value(&p, ORCH_KEY_REVIEW_TIMEOUT, "15m");
	want_value(&p, ORCH_KEY_REVIEW_ALLOW_MANUAL, "true");
	want_value(&p, ORCH_KEY_REVIEW_SANDBOX, "auto");
	want_value(&p, ORCH_KEY_REVIEW_CARRY_OVER, "patch-id");
	want_value(&p, ORCH_KEY_TEST_COMMAND, "");
	want_value(&p, ORCH_KEY_TEST_TIMEOUT, "30m");
	want_value(&p, ORCH_KEY_TEST_ON_FAILURE, "undo");
	want_value(&p, ORCH_KEY_TEST_REUSE, "true");
	want_value(&p, ORCH_KEY_SERVER_ALLOW_DIRECT, "false");
	want_value(&p, ORCH_KEY_SERVER_TEST_COMMAND, "");
	want_value(&p, ORCH_KEY_SERVER_TEST_TIMEOUT, "30m");
	orch_policy_release(&p);
}

/* Keys absent from the file keep their defaults and have no origin. */
static void test_absent_keys_keep_defaults(void **state)
{
	struct orch_policy p;
	int k;

	(void)state;
	parse_ok(&p, "[review]\ntimeout = 5m\n");
	assert_int_equal(p.review_timeout, 300);
	want_origin(&p, ORCH_KEY_REVIEW_TIMEOUT, "P:2");
	for (k = 0; k < ORCH_KEY__COUNT; k++)
		if (k != ORCH_KEY_REVIEW_TIMEOUT)
			assert_null(p.origin[k]);
	assert_string_equal(p.path, "P");
	want_value(&p, ORCH_KEY_PROTECTED, "main master");
	assert_string_equal(p.notes_ref, "refs/notes/verdicts");
	assert_string_equal(p.tests_ref, "refs/notes/tests");
	assert_int_equal(p.on_failure, ORCH_ON_FAILURE_UNDO);
	assert_int_equal(p.test_timeout, 30 * 60);
	assert_int_equal(p.allow_manual, 1);
	assert_int_equal(p.test_reuse, 1);
	assert_int_equal(p.allow_direct, 0);
	orch_policy_release(&p);

	/* A section header with no keys changes nothing. */
	parse_ok(&p, "[branches]\n");
	want_value(&p, ORCH_KEY_PROTECTED, "main master");
	want_origin(&p, ORCH_KEY_PROTECTED, NULL);
	orch_policy_release(&p);
}

/* Setting protected replaces the default list rather than adding to it. */
static void test_protected_replaces_default(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok(&p, "[branches]\nprotected = trunk\n");
	assert_int_equal(p.protected.nr, 1);
	assert_string_equal(p.protected.items[0], "trunk");
	assert_true(orch_patterns_match(&p.protected, "trunk"));
	assert_false(orch_patterns_match(&p.protected, "main"));
	assert_false(orch_patterns_match(&p.protected, "master"));
	orch_policy_release(&p);

	/* An empty value protects nothing. */
	parse_ok(&p, "[branches]\nprotected =\n");
	assert_int_equal(p.protected.nr, 0);
	assert_false(orch_patterns_match(&p.protected, "main"));
	want_origin(&p, ORCH_KEY_PROTECTED, "P:2");
	orch_policy_release(&p);
}

/* ---- a full policy ------------------------------------------------------ */

static const char full_policy[] =
	"# orch-hooks policy for the team\n"			/* 1 */
	"; comments start with # or ;\n"			/* 2 */
	"[branches]\n"						/* 3 */
	"protected = main, release/* hotfix/**\n"		/* 4 */
	"\n"							/* 5 */
	"[notes]\n"						/* 6 */
	"ref = refs/notes/reviews\n"				/* 7 */
	"tests_ref = refs/notes/checks\n"			/* 8 */
	"[review]\n"						/* 9 */
	"command = reviewer --strict \"$ORCH_COMMIT\"; echo done # kept\n" /* 10 */
	"timeout = 1h30m\n"					/* 11 */
	"allow_manual = no\n"					/* 12 */
	"sandbox = bwrap\n"					/* 13 */
	"[test]\n"						/* 14 */
	"command = make check; ./lint\n"			/* 15 */
	"timeout = 90s\n"					/* 16 */
	"on_failure = revert\n"					/* 17 */
	"reuse = OFF\n"						/* 18 */
	"[server]\n"						/* 19 */
	"  allow_direct   =   Yes  \n"				/* 20 */
	"test_command = make distcheck\n"			/* 21 */
	"test_timeout = 2h\n";					/* 22 */

static void test_full_policy(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok_len(&p, "team.ini", full_policy, strlen(full_policy));

	assert_string_equal(p.path, "team.ini");
	assert_int_equal(p.protected.nr, 3);
	assert_string_equal(p.protected.items[0], "main");
	assert_string_equal(p.protected.items[1], "release/*");
	assert_string_equal(p.protected.items[2], "hotfix/**");
	assert_true(orch_patterns_match(&p.protected, "release/2.0"));
	assert_true(orch_patterns_match(&p.protected, "hotfix/a/b"));
	assert_false(orch_patterns_match(&p.protected, "master"));
	assert_string_equal(p.notes_ref, "refs/notes/reviews");
	assert_string_equal(p.tests_ref, "refs/notes/checks");
	assert_string_equal(p.review_command, "reviewer --strict \"$ORCH_COMMIT\"; echo done # kept");
	assert_int_equal(p.review_timeout, 5400);
	assert_int_equal(p.allow_manual, 0);
	assert_int_equal(p.review_sandbox, ORCH_SANDBOX_BWRAP);
	assert_string_equal(p.test_command, "make check; ./lint");
	assert_int_equal(p.test_timeout, 90);
	assert_int_equal(p.on_failure, ORCH_ON_FAILURE_REVERT);
	assert_int_equal(p.test_reuse, 0);
	assert_int_equal(p.allow_direct, 1);
	assert_string_equal(p.server_test_command, "make distcheck");
	assert_int_equal(p.server_test_timeout, 7200);

	want_origin(&p, ORCH_KEY_PROTECTED, "team.ini:4");
	want_origin(&p, ORCH_KEY_NOTES_REF, "team.ini:7");
	want_origin(&p, ORCH_KEY_TESTS_REF, "team.ini:8");
	want_origin(&p, ORCH_KEY_REVIEW_COMMAND, "team.ini:10");
	want_origin(&p, ORCH_KEY_REVIEW_TIMEOUT, "team.ini:11");
	want_origin(&p, ORCH_KEY_REVIEW_ALLOW_MANUAL, "team.ini:12");
	want_origin(&p, ORCH_KEY_REVIEW_SANDBOX, "team.ini:13");
	want_origin(&p, ORCH_KEY_TEST_COMMAND, "team.ini:15");
	want_origin(&p, ORCH_KEY_TEST_TIMEOUT, "team.ini:16");
	want_origin(&p, ORCH_KEY_TEST_ON_FAILURE, "team.ini:17");
	want_origin(&p, ORCH_KEY_TEST_REUSE, "team.ini:18");
	want_origin(&p, ORCH_KEY_SERVER_ALLOW_DIRECT, "team.ini:20");
	want_origin(&p, ORCH_KEY_SERVER_TEST_COMMAND, "team.ini:21");
	want_origin(&p, ORCH_KEY_SERVER_TEST_TIMEOUT, "team.ini:22");

	want_value(&p, ORCH_KEY_PROTECTED, "main release/* hotfix/**");
	want_value(&p, ORCH_KEY_NOTES_REF, "refs/notes/reviews");
	want_value(&p, ORCH_KEY_TESTS_REF, "refs/notes/checks");
	want_value(&p, ORCH_KEY_REVIEW_COMMAND, "reviewer --strict \"$ORCH_COMMIT\"; echo done # kept");
	want_value(&p, ORCH_KEY_REVIEW_TIMEOUT, "1h30m");
	want_value(&p, ORCH_KEY_REVIEW_ALLOW_MANUAL, "false");
	want_value(&p, ORCH_KEY_REVIEW_SANDBOX, "bwrap");
	want_value(&p, ORCH_KEY_TEST_COMMAND, "make check; ./lint");
	want_value(&p, ORCH_KEY_TEST_TIMEOUT, "1m30s");
	want_value(&p, ORCH_KEY_TEST_ON_FAILURE, "revert");
	want_value(&p, ORCH_KEY_TEST_REUSE, "false");
	want_value(&p, ORCH_KEY_SERVER_ALLOW_DIRECT, "true");
	want_value(&p, ORCH_KEY_SERVER_TEST_COMMAND, "make distcheck");
	want_value(&p, ORCH_KEY_SERVER_TEST_TIMEOUT, "2h");
	orch_policy_release(&p);
}

static void test_key_names(void **state)
{
	(void)state;
	assert_string_equal(orch_policy_key_section(ORCH_KEY_PROTECTED), "branches");
	assert_string_equal(orch_policy_key_name(ORCH_KEY_PROTECTED), "protected");
	assert_string_equal(orch_policy_key_section(ORCH_KEY_TESTS_REF), "notes");
	assert_string_equal(orch_policy_key_name(ORCH_KEY_TESTS_REF), "tests_ref");
	assert_string_equal(orch_policy_key_section(ORCH_KEY_REVIEW_SANDBOX), "review");
	assert_string_equal(orch_policy_key_name(ORCH_KEY_REVIEW_SANDBOX), "sandbox");
	assert_string_equal(orch_policy_key_section(ORCH_KEY_TEST_ON_FAILURE), "test");
	assert_string_equal(orch_policy_key_name(ORCH_KEY_TEST_ON_FAILURE), "on_failure");
	assert_string_equal(orch_policy_key_section(ORCH_KEY_SERVER_TEST_TIMEOUT), "server");
	assert_string_equal(orch_policy_key_name(ORCH_KEY_SERVER_TEST_TIMEOUT), "test_timeout");
	assert_string_equal(orch_on_failure_name(ORCH_ON_FAILURE_UNDO), "undo");
	assert_string_equal(orch_on_failure_name(ORCH_ON_FAILURE_REVERT), "revert");
	assert_string_equal(orch_on_failure_name(ORCH_ON_FAILURE_KEEP), "keep");
}

static void test_on_failure_and_sandbox_values(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok(&p, "[test]\non_failure = keep\n[review]\nsandbox = none\n");
	assert_int_equal(p.on_failure, ORCH_ON_FAILURE_KEEP);
	assert_int_equal(p.review_sandbox, ORCH_SANDBOX_NONE);
	want_origin(&p, ORCH_KEY_REVIEW_SANDBOX, "P:4");
	orch_policy_release(&p);

	parse_ok(&p, "[test]\non_failure = undo\n");
	assert_int_equal(p.on_failure, ORCH_ON_FAILURE_UNDO);
	want_origin(&p, ORCH_KEY_TEST_ON_FAILURE, "P:2");
	orch_policy_release(&p);
}

/* ---- the text format ---------------------------------------------------- */

static void test_semicolon_and_hash_kept_in_values(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok(&p, "[test]\ncommand = make check; ./lint\n"
		     "[server]\ntest_command = make ; echo # done ;\n");
	assert_string_equal(p.test_command, "make check; ./lint");
	assert_string_equal(p.server_test_command, "make ; echo # done ;");
	orch_policy_release(&p);
}

static void test_comment_lines(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok(&p, "# comment\n"
		     "; comment\n"
		     "[branches]\n"
		     "# protected = commented-out\n"
		     "   ; protected = indented comment\n"
		     "protected = trunk\n"
		     "#protected = again\n");
	assert_int_equal(p.protected.nr, 1);
	assert_string_equal(p.protected.items[0], "trunk");
	want_origin(&p, ORCH_KEY_PROTECTED, "P:6");
	orch_policy_release(&p);

	/* A file holding only comments is a valid (default) policy. */
	parse_ok(&p, "# nothing here yet\n; really\n");
	want_value(&p, ORCH_KEY_PROTECTED, "main master");
	orch_policy_release(&p);
}

static void test_bom_accepted(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok(&p, "\xEF\xBB\xBF[review]\ncommand = ./review\n");
	assert_string_equal(p.review_command, "./review");
	want_origin(&p, ORCH_KEY_REVIEW_COMMAND, "P:2");
	orch_policy_release(&p);

	/* The BOM belongs to the first line: line numbers do not shift. */
	want_error("\xEF\xBB\xBF[review]\nbogus = 1\n", "P:2: unknown key 'bogus' in [review]");
}

static void test_crlf_accepted(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok(&p, "[review]\r\ncommand = make check\r\ntimeout = 5m\r\n"
		     "allow_manual = false\r\n\r\n[notes]\r\nref = refs/notes/x\r\n");
	assert_string_equal(p.review_command, "make check");
	assert_null(strchr(p.review_command, '\r'));
	assert_int_equal(p.review_timeout, 300);
	assert_int_equal(p.allow_manual, 0);
	assert_string_equal(p.notes_ref, "refs/notes/x");
	want_origin(&p, ORCH_KEY_NOTES_REF, "P:7");
	orch_policy_release(&p);
}

/* No continuation lines: an indented line is a line of its own. */
static void test_no_multiline_values(void **state)
{
	(void)state;
	want_error("[test]\ncommand = make\n  ./lint\n",
		     "P:3: cannot parse this line (want [section] or key = value)");
}

static void test_last_line_without_newline(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok(&p, "[test]\ntimeout = 10m");
	assert_int_equal(p.test_timeout, 600);
	want_origin(&p, ORCH_KEY_TEST_TIMEOUT, "P:2");
	orch_policy_release(&p);
}

/* ---- errors ------------------------------------------------------------- */

static void test_error_names_the_source(void **state)
{
	char *err;

	(void)state;
	err = parse_err_len("/etc/orch-hooks.ini", "[branches]\nprotected = main\n[bogus]\nx = 1\n",
			    strlen("[branches]\nprotected = main\n[bogus]\nx = 1\n"));
	assert_string_equal(err, "/etc/orch-hooks.ini:3: unknown section [bogus]");
	free(err);
}

/* Quotes are kept by inih: a quoted value would mean something else, so it is an error. */
static void test_quoted_values(void **state)
{
	(void)state;
	want_error("[branches]\nprotected = \"main\"\n",
		   "P:2: [branches] protected: quotes are kept as part of the value: write the names "
		   "bare (protected = main, not \"main\")");
	want_error("[branches]\n\nprotected = 'main' master\n",
		   "P:3: [branches] protected: quotes are kept as part of the value: write the names "
		   "bare (protected = main, not \"main\")");
	want_error("[branches]\nrequire_signed = \"true\"\n",
		   "P:2: [branches] require_signed: the value \"true\" is quoted, and quotes are kept "
		   "as part of it: write it without them");
	want_error("[server]\nreviewers = 'alice'\n",
		   "P:2: [server] reviewers: the value 'alice' is quoted, and quotes are kept as part "
		   "of it: write it without them");
	want_error("[notes]\nref = \"refs/notes/v\"\n",
		   "P:2: [notes] ref: the value \"refs/notes/v\" is quoted, and quotes are kept as "
		   "part of it: write it without them");
}

/* A command is shell text: quotes there are shell syntax. */
static void test_quoted_command_is_shell(void **state)
{
	struct orch_policy p;

	(void)state;
	parse_ok(&p, "[test]\ncommand = \"./run tests\" --fast\n");
	want_value(&p, ORCH_KEY_TEST_COMMAND, "\"./run tests\" --fast");
	orch_policy_release(&p);
}

static void test_unknown_section(void **state)
{
	(void)state;
	want_error("[branches]\nprotected = main\n\n[bogus]\nkey = 1\n",
		     "P:4: unknown section [bogus]");
	/* A key before any section header is named as such. */
	want_error("protected = main\n", "P:1: 'protected' comes before any [section] header");
	/* Section names are case-sensitive. */
	want_error("[Branches]\nprotected = main\n", "P:1: unknown section [Branches]");
	/* A misspelt section with nothing under it is caught at its header. */
	want_error("[branches]\nprotected = main\n[reveiw]\n", "P:3: unknown section [reveiw]");
}

static void test_unknown_key(void **state)
{
	(void)state;
	want_error("[review]\ncommand = x\ncmd = y\n", "P:3: unknown key 'cmd' in [review]");
	/* A key of another section is unknown here. */
	want_error("[test]\nallow_direct = true\n", "P:2: unknown key 'allow_direct' in [test]");
}

static void test_key_set_twice(void **state)
{
	(void)state;
	want_error("[test]\ntimeout = 5m\n\n[test]\ntimeout = 10m\n",
		     "P:5: [test] timeout is set twice (first on line 2)");
	want_error("[branches]\nprotected = main\nprotected = main\n",
		     "P:3: [branches] protected is set twice (first on line 2)");
}

static void test_bad_duration(void **state)
{
	static const char *const bad[] = { "90", "abc", "0s", "-5m", "10x", "", "1h30", "8d" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char text[128], want[256];

		snprintf(text, sizeof(text), "[review]\ncommand = x\ntimeout = %s\n", bad[i]);
		snprintf(want, sizeof(want),
			 "P:3: [review] timeout: '%s' is not a duration (write it like 90s, 15m or 1h)",
			 bad[i]);
		want_error(text, want);
	}
	want_error("[server]\ntest_timeout = 15\n",
		     "P:2: [server] test_timeout: '15' is not a duration (write it like 90s, 15m or 1h)");
}

static void test_bad_boolean(void **state)
{
	(void)state;
	want_error("[server]\nallow_direct = maybe\n",
		     "P:2: [server] allow_direct: 'maybe' is not a boolean (true or false)");
	want_error("[test]\nreuse = 2\n", "P:2: [test] reuse: '2' is not a boolean (true or false)");
	want_error("[review]\n\nallow_manual =\n",
		     "P:3: [review] allow_manual: '' is not a boolean (true or false)");
}

static void test_bad_on_failure(void **state)
{
	(void)state;
	want_error("[test]\non_failure = abort\n",
		     "P:2: [test] on_failure: 'abort' is not one of undo, revert, keep");
}

static void test_bad_sandbox(void **state)
{
	(void)state;
	want_error("[review]\nsandbox = docker\n",
		     "P:2: [review] sandbox: 'docker' is not one of none, bwrap, auto");
}

static void test_bad_notes_ref(void **state)
{
	(void)state;
	want_error("[notes]\nref = refs/heads/verdicts\n",
		     "P:2: [notes] ref: 'refs/heads/verdicts' is not a notes ref (want refs/notes/NAME)");
	want_error("[notes]\nref = verdicts\n",
		     "P:2: [notes] ref: 'verdicts' is not a notes ref (want refs/notes/NAME)");
	want_error("[notes]\ntests_ref = refs/notes/\n",
		     "P:2: [notes] tests_ref: 'refs/notes/' is not a notes ref (want refs/notes/NAME)");
	want_error("[notes]\nref = refs/notes/a:b\n",
		     "P:2: [notes] ref: 'refs/notes/a:b' is not a notes ref (want refs/notes/NAME)");
	want_error("[notes]\nref = refs/notes/a b\n",
		     "P:2: [notes] ref: 'refs/notes/a b' is not a notes ref (want refs/notes/NAME)");
}

static void test_bad_protected_pattern(void **state)
{
	(void)state;
	want_error("[branches]\nprotected = main bad~name\n",
		     "P:2: [branches] protected: a pattern holds a character git forbids in branch names");
}

static void test_unparsable_line(void **state)
{
	(void)state;
	want_error("[branches]\nprotected = main\njust words\n",
		     "P:3: cannot parse this line (want [section] or key = value)");
	want_error("[branches\nprotected = main\n",
		     "P:1: cannot parse this line (want [section] or key = value)");
	/* The first error is the one reported, even when later lines are wrong too. */
	want_error("[branches]\njust words\n[bogus]\nx = 1\n",
		     "P:2: cannot parse this line (want [section] or key = value)");
	want_error("[branches]\nprotected = a\nprotected = b\nnonsense\n",
		     "P:3: [branches] protected is set twice (first on line 2)");
}

static void test_empty_policy(void **state)
{
	char *err;

	(void)state;
	err = parse_err_len("E", "", 0);
	assert_string_equal(err, "E:1: the policy is empty (a truncated file?); "
			    "write at least a [branches] section");
	free(err);

	err = parse_err_len("W", " \n\t\r\n  \n", 7);
	assert_string_equal(err, "W:1: the policy is empty (a truncated file?); "
			    "write at least a [branches] section");
	free(err);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[branches]\nprotected = main\n[test]\ncommand = ma\0ke\n";
	char *err;

	(void)state;
	err = parse_err_len("P", text, sizeof(text) - 1);
	assert_string_equal(err, "P:4: NUL byte in line");
	free(err);
}

/* A [test] command line whose text is exactly `len` bytes, plus `eol`. */
static char *line_of(size_t len, const char *eol, size_t *total)
{
	static const char head[] = "[test]\n";
	static const char key[] = "command = ";
	size_t hl = strlen(head), kl = strlen(key), el = strlen(eol);
	char *s = malloc(hl + len + el + 1);

	assert_non_null(s);
	memcpy(s, head, hl);
	memcpy(s + hl, key, kl);
	memset(s + hl + kl, 'x', len - kl);
	memcpy(s + hl + len, eol, el + 1);
	*total = hl + len + el;
	return s;
}

static void test_long_lines(void **state)
{
	static const char *const eols[] = { "\n", "\r\n", "" };
	struct orch_policy p;
	size_t i, total;
	char *text, *err;

	(void)state;
	/* Longer than inih's default 200-byte buffer, well inside our limit. */
	text = line_of(300, "\n", &total);
	parse_ok_len(&p, "P", text, total);
	assert_int_equal(strlen(p.test_command), 300 - strlen("command = "));
	orch_policy_release(&p);
	free(text);

	for (i = 0; i < sizeof(eols) / sizeof(*eols); i++) {
		/* 4096 bytes of text: accepted whatever ends the line. */
		text = line_of(4096, eols[i], &total);
		parse_ok_len(&p, "P", text, total);
		assert_int_equal(strlen(p.test_command), 4096 - strlen("command = "));
		assert_int_equal(p.test_command[0], 'x');
		assert_int_equal(p.test_command[strlen(p.test_command) - 1], 'x');
		orch_policy_release(&p);
		free(text);

		/* One byte more is refused, with the line's number. */
		text = line_of(4097, eols[i], &total);
		err = parse_err_len("P", text, total);
		assert_string_equal(err, "P:2: line longer than 4096 bytes");
		free(err);
		free(text);
	}

	/* A long line after good ones names its own line. */
	text = malloc(8000);
	assert_non_null(text);
	strcpy(text, "[test]\ntimeout = 5m\n# ");
	memset(text + strlen(text), '#', 5000);
	strcpy(text + strlen("[test]\ntimeout = 5m\n# ") + 5000, "\n");
	err = parse_err_len("P", text, strlen(text));
	assert_string_equal(err, "P:3: line longer than 4096 bytes");
	free(err);
	free(text);
}

/* ---- values ------------------------------------------------------------- */

static void test_parse_duration(void **state)
{
	static const struct {
		const char *text;
		unsigned secs;
	} good[] = {
		{ "90s", 90 }, { "15m", 900 }, { "1h", 3600 }, { "1h30m", 5400 },
		{ "2h15m30s", 8130 }, { "1s", 1 }, { "0h5m", 300 }, { "168h", 7 * 24 * 3600 },
	};
	static const char *const bad[] = {
		"", "90", "abc", "0s", "-5m", "10x", "1h30", "h", "m5", "1.5h", " 5m", "5m ",
		"5M", "0h0m", "169h", "99999999999999999999s",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(*good); i++) {
		unsigned out = 12345;

		assert_int_equal(orch_parse_duration(good[i].text, &out), 0);
		assert_int_equal(out, good[i].secs);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		unsigned out = 12345;

		if (orch_parse_duration(bad[i], &out) != -1)
			fail_msg("duration '%s' was accepted as %u", bad[i], out);
		assert_int_equal(out, 12345); /* untouched on error */
	}
}

static void test_format_duration(void **state)
{
	static const struct {
		unsigned secs;
		const char *text;
	} cases[] = {
		{ 5400, "1h30m" }, { 90, "1m30s" }, { 3600, "1h" }, { 900, "15m" },
		{ 45, "45s" }, { 0, "0s" }, { 3661, "1h1m1s" }, { 7200 + 5, "2h5s" },
	};
	static const unsigned round[] = { 1, 59, 60, 61, 3599, 3600, 5400, 86399, 7 * 24 * 3600 };
	char buf[32], small[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		orch_format_duration(cases[i].secs, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
	for (i = 0; i < sizeof(round) / sizeof(*round); i++) {
		unsigned back = 0;

		orch_format_duration(round[i], buf, sizeof(buf));
		assert_int_equal(orch_parse_duration(buf, &back), 0);
		assert_int_equal(back, round[i]);
	}
	/* A short buffer is never overrun and stays terminated. */
	memset(small, 'X', sizeof(small));
	orch_format_duration(3661, small, 4);
	assert_true(strlen(small) < 4);
	assert_int_equal(small[4], 'X');
	assert_int_equal(small[7], 'X');
}

static void test_parse_bool(void **state)
{
	static const char *const yes[] = { "true", "TRUE", "True", "yes", "YES", "yEs",
					   "on", "ON", "On", "1" };
	static const char *const no[] = { "false", "FALSE", "False", "no", "NO", "nO",
					  "off", "OFF", "Off", "0" };
	static const char *const bad[] = { "", "2", "y", "n", "t", "f", "truee", "enable",
					   " true", "true ", "00", "-1" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		int out = -7;

		assert_int_equal(orch_parse_bool(yes[i], &out), 0);
		assert_int_equal(out, 1);
	}
	for (i = 0; i < sizeof(no) / sizeof(*no); i++) {
		int out = -7;

		assert_int_equal(orch_parse_bool(no[i], &out), 0);
		assert_int_equal(out, 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int out = -7;

		if (orch_parse_bool(bad[i], &out) != -1)
			fail_msg("boolean '%s' was accepted", bad[i]);
		assert_int_equal(out, -7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_absent_keys_keep_defaults),
		cmocka_unit_test(test_protected_replaces_default),
		cmocka_unit_test(test_full_policy),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_on_failure_and_sandbox_values),
		cmocka_unit_test(test_semicolon_and_hash_kept_in_values),
		cmocka_unit_test(test_comment_lines),
		cmocka_unit_test(test_bom_accepted),
		cmocka_unit_test(test_crlf_accepted),
		cmocka_unit_test(test_no_multiline_values),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_error_names_the_source),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_quoted_values),
		cmocka_unit_test(test_quoted_command_is_shell),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_key_set_twice),
		cmocka_unit_test(test_bad_duration),
		cmocka_unit_test(test_bad_boolean),
		cmocka_unit_test(test_bad_on_failure),
		cmocka_unit_test(test_bad_sandbox),
		cmocka_unit_test(test_bad_notes_ref),
		cmocka_unit_test(test_bad_protected_pattern),
		cmocka_unit_test(test_unparsable_line),
		cmocka_unit_test(test_empty_policy),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_format_duration),
		cmocka_unit_test(test_parse_bool),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
