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
#include "strbuf.h"
#include "value.h"
#include "unit-helpers.h"

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

/* Parses text; returns the message it is refused with (caller frees), or NULL when accepted. */
static char *refusal(const char *name, const char *text, size_t len)
{
	struct orch_policy p;
	char *err = NULL;
	int ret;

	orch_policy_init(&p);
	ret = orch_policy_parse_string(&p, name, text, len, &err);
	orch_policy_release(&p);
	if (ret != -1) {
		free(err);
		return NULL;
	}
	return err ? err : xstrdup("(refused without a message)");
}

/* Parses text that must be rejected; returns the message (caller frees). */
static char *parse_err_len(const char *name, const char *text, size_t len)
{
	char *err = refusal(name, text, len);

	if (!err)
		fail_msg("policy accepted: %s", text);
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

/*
 * Keys as text: their section and name, the built-in default, and their
 * value and origin in full_policy (below).
 */
static const struct {
	enum orch_policy_key key;
	const char *section, *name, *builtin, *full, *full_origin;
} key_texts[] = {
	{ ORCH_KEY_PROTECTED, "branches", "protected", "main master", "main release/* hotfix/**", "team.ini:4" },
	{ ORCH_KEY_NOTES_REF, "notes", "ref", "refs/notes/verdicts", "refs/notes/reviews", "team.ini:7" },
	{ ORCH_KEY_TESTS_REF, "notes", "tests_ref", "refs/notes/tests", "refs/notes/checks", "team.ini:8" },
	{ ORCH_KEY_REVIEW_COMMAND, "review", "command", "", "reviewer --strict \"$ORCH_COMMIT\"; echo done # kept", "team.ini:10" },
	{ ORCH_KEY_REVIEW_TIMEOUT, "review", "timeout", "15m", "1h30m", "team.ini:11" },
	{ ORCH_KEY_REVIEW_ALLOW_MANUAL, "review", "allow_manual", "true", "false", "team.ini:12" },
	{ ORCH_KEY_REVIEW_SANDBOX, "review", "sandbox", "auto", "bwrap", "team.ini:13" },
	{ ORCH_KEY_TEST_COMMAND, "test", "command", "", "make check; ./lint", "team.ini:15" },
	{ ORCH_KEY_TEST_TIMEOUT, "test", "timeout", "30m", "1m30s", "team.ini:16" },
	{ ORCH_KEY_TEST_ON_FAILURE, "test", "on_failure", "undo", "revert", "team.ini:17" },
	{ ORCH_KEY_TEST_REUSE, "test", "reuse", "true", "false", "team.ini:18" },
	{ ORCH_KEY_SERVER_ALLOW_DIRECT, "server", "allow_direct", "false", "true", "team.ini:20" },
	{ ORCH_KEY_SERVER_TEST_COMMAND, "server", "test_command", "", "make distcheck", "team.ini:21" },
	{ ORCH_KEY_SERVER_TEST_TIMEOUT, "server", "test_timeout", "30m", "2h", "team.ini:22" },
	/* Keys full_policy leaves alone. */
	{ ORCH_KEY_REVIEW_CARRY_OVER, "review", "carry_over", "patch-id", "patch-id", NULL },
};

/*
 * The typed fields the gates read, in the built-in policy (full 0) and in
 * full_policy (full 1): the key texts above go through the key table, these
 * do not, so they catch a key that writes the wrong field.
 */
static void check_fields(const struct orch_policy *p, int full)
{
	assert_string_equal(p->path, full ? "team.ini" : "built-in defaults");
	assert_int_equal(p->protected.nr, full ? 3 : 2);
	assert_string_equal(p->protected.items[0], "main");
	assert_string_equal(p->protected.items[1], full ? "release/*" : "master");
	if (full)
		assert_string_equal(p->protected.items[2], "hotfix/**");
	assert_true(orch_patterns_match(&p->protected, full ? "release/2.0" : "refs/heads/main"));
	assert_true(orch_patterns_match(&p->protected, full ? "hotfix/a/b" : "master"));
	assert_false(orch_patterns_match(&p->protected, full ? "master" : "feature/x"));
	assert_string_equal(p->notes_ref, full ? "refs/notes/reviews" : "refs/notes/verdicts");
	assert_string_equal(p->tests_ref, full ? "refs/notes/checks" : "refs/notes/tests");
	assert_string_equal(p->review_command, full ? "reviewer --strict \"$ORCH_COMMIT\"; echo done # kept" : "");
	assert_int_equal(p->review_timeout, full ? 5400 : 15 * 60);
	assert_int_equal(p->allow_manual, full ? 0 : 1);
	assert_int_equal(p->review_sandbox, full ? ORCH_SANDBOX_BWRAP : ORCH_SANDBOX_AUTO);
	assert_int_equal(p->carry_over, ORCH_CARRY_OVER_PATCH_ID);
	assert_string_equal(p->test_command, full ? "make check; ./lint" : "");
	assert_int_equal(p->test_timeout, full ? 90 : 30 * 60);
	assert_int_equal(p->on_failure, full ? ORCH_ON_FAILURE_REVERT : ORCH_ON_FAILURE_UNDO);
	assert_int_equal(p->test_reuse, full ? 0 : 1);
	assert_int_equal(p->allow_direct, full ? 1 : 0);
	assert_string_equal(p->server_test_command, full ? "make distcheck" : "");
	assert_int_equal(p->server_test_timeout, full ? 7200 : 30 * 60);
}

static void test_defaults(void **state)
{
	struct orch_policy p;
	int k;

	(void)state;
	orch_policy_init(&p);

	check_fields(&p, 0);
	for (k = 0; k < ORCH_KEY__COUNT; k++)
		assert_null(p.origin[k]);

	for (k = 0; k < (int)ARRAY_SIZE(key_texts); k++)
		want_value(&p, key_texts[k].key, key_texts[k].builtin);
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
	size_t i;

	(void)state;
	parse_ok_len(&p, "team.ini", full_policy, strlen(full_policy));

	check_fields(&p, 1);

	for (i = 0; i < ARRAY_SIZE(key_texts); i++) {
		want_origin(&p, key_texts[i].key, key_texts[i].full_origin);
		want_value(&p, key_texts[i].key, key_texts[i].full);
	}
	orch_policy_release(&p);
}

static void test_key_names(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(key_texts); i++) {
		assert_string_equal(orch_policy_key_section(key_texts[i].key), key_texts[i].section);
		assert_string_equal(orch_policy_key_name(key_texts[i].key), key_texts[i].name);
	}
	assert_string_equal(orch_on_failure_name(ORCH_ON_FAILURE_UNDO), "undo");
	assert_string_equal(orch_on_failure_name(ORCH_ON_FAILURE_REVERT), "revert");
	assert_string_equal(orch_on_failure_name(ORCH_ON_FAILURE_KEEP), "keep");
}

/* ---- the text format ---------------------------------------------------- */

/* Policies accepted, and what some of their keys then hold (as text) and where they were set. */
static const struct {
	const char *text;
	struct {
		enum orch_policy_key key;
		const char *value, *origin; /* origin NULL: not set by the file */
	} want[4];
} accepted[] = {
	{ "[test]\non_failure = keep\n[review]\nsandbox = none\n",
	  { { ORCH_KEY_TEST_ON_FAILURE, "keep", "P:2" }, { ORCH_KEY_REVIEW_SANDBOX, "none", "P:4" } } },
	{ "[test]\non_failure = undo\n", { { ORCH_KEY_TEST_ON_FAILURE, "undo", "P:2" } } },
	/* ';' and '#' inside a value are part of it. */
	{ "[test]\ncommand = make check; ./lint\n[server]\ntest_command = make ; echo # done ;\n",
	  { { ORCH_KEY_TEST_COMMAND, "make check; ./lint", "P:2" },
	    { ORCH_KEY_SERVER_TEST_COMMAND, "make ; echo # done ;", "P:4" } } },
	/* Comment lines, indented ones too. */
	{ "# comment\n; comment\n[branches]\n# protected = commented-out\n"
	  "   ; protected = indented comment\nprotected = trunk\n#protected = again\n",
	  { { ORCH_KEY_PROTECTED, "trunk", "P:6" } } },
	/* A file holding only comments is a valid (default) policy. */
	{ "# nothing here yet\n; really\n", { { ORCH_KEY_PROTECTED, "main master", NULL } } },
	/* A byte order mark before the first line. */
	{ "\xEF\xBB\xBF[review]\ncommand = ./review\n", { { ORCH_KEY_REVIEW_COMMAND, "./review", "P:2" } } },
	/* CRLF line ends: no '\r' stays in a value. */
	{ "[review]\r\ncommand = make check\r\ntimeout = 5m\r\nallow_manual = false\r\n\r\n"
	  "[notes]\r\nref = refs/notes/x\r\n",
	  { { ORCH_KEY_REVIEW_COMMAND, "make check", "P:2" }, { ORCH_KEY_REVIEW_TIMEOUT, "5m", "P:3" },
	    { ORCH_KEY_REVIEW_ALLOW_MANUAL, "false", "P:4" }, { ORCH_KEY_NOTES_REF, "refs/notes/x", "P:7" } } },
	/* The last line without a newline. */
	{ "[test]\ntimeout = 10m", { { ORCH_KEY_TEST_TIMEOUT, "10m", "P:2" } } },
	/* A command is shell text: quotes there are shell syntax. */
	{ "[test]\ncommand = \"./run tests\" --fast\n",
	  { { ORCH_KEY_TEST_COMMAND, "\"./run tests\" --fast", "P:2" } } },
};

static void test_accepted(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(accepted); i++) {
		struct orch_policy p;

		parse_ok(&p, accepted[i].text);
		for (k = 0; k < ARRAY_SIZE(accepted[i].want) && accepted[i].want[k].value; k++) {
			want_value(&p, accepted[i].want[k].key, accepted[i].want[k].value);
			want_origin(&p, accepted[i].want[k].key, accepted[i].want[k].origin);
		}
		orch_policy_release(&p);
	}
}

/* The BOM belongs to the first line: line numbers do not shift. */
static void test_bom_keeps_line_numbers(void **state)
{
	(void)state;
	want_error("\xEF\xBB\xBF[review]\nbogus = 1\n", "P:2: unknown key 'bogus' in [review]");
}

/* ---- errors ------------------------------------------------------------- */

/* Policies refused, each with the message naming its line (the policy is called "P"). */
static const struct {
	const char *text, *error;
} refused[] = {
	/* Lines that are neither a [section] nor key = value; the first error is the one reported. */
	{ "[branches]\nprotected = main\njust words\n",
	  "P:3: cannot parse this line (want [section] or key = value)" },
	{ "[branches\nprotected = main\n", "P:1: cannot parse this line (want [section] or key = value)" },
	{ "[branches]\njust words\n[bogus]\nx = 1\n",
	  "P:2: cannot parse this line (want [section] or key = value)" },
	{ "[branches]\nprotected = a\nprotected = b\nnonsense\n",
	  "P:3: [branches] protected is set twice (first on line 2)" },
	/* No continuation lines: an indented line is a line of its own. */
	{ "[test]\ncommand = make\n  ./lint\n", "P:3: cannot parse this line (want [section] or key = value)" },

	/* Sections: unknown, before any header, case-sensitive, misspelt with nothing under it. */
	{ "[branches]\nprotected = main\n\n[bogus]\nkey = 1\n", "P:4: unknown section [bogus]" },
	{ "protected = main\n", "P:1: 'protected' comes before any [section] header" },
	{ "[Branches]\nprotected = main\n", "P:1: unknown section [Branches]" },
	{ "[branches]\nprotected = main\n[reveiw]\n", "P:3: unknown section [reveiw]" },

	/* Keys: unknown (a key of another section included), or set twice. */
	{ "[review]\ncommand = x\ncmd = y\n", "P:3: unknown key 'cmd' in [review]" },
	{ "[test]\nallow_direct = true\n", "P:2: unknown key 'allow_direct' in [test]" },
	{ "[test]\ntimeout = 5m\n\n[test]\ntimeout = 10m\n", "P:5: [test] timeout is set twice (first on line 2)" },
	{ "[branches]\nprotected = main\nprotected = main\n",
	  "P:3: [branches] protected is set twice (first on line 2)" },

	/* Quotes are kept by inih: a quoted value would mean something else. */
	{ "[branches]\nprotected = \"main\"\n",
	  "P:2: [branches] protected: quotes are kept as part of the value: write the names "
	  "bare (protected = main, not \"main\")" },
	{ "[branches]\n\nprotected = 'main' master\n",
	  "P:3: [branches] protected: quotes are kept as part of the value: write the names "
	  "bare (protected = main, not \"main\")" },
	{ "[branches]\nrequire_signed = \"true\"\n",
	  "P:2: [branches] require_signed: the value \"true\" is quoted, and quotes are kept "
	  "as part of it: write it without them" },
	{ "[server]\nreviewers = 'alice'\n",
	  "P:2: [server] reviewers: the value 'alice' is quoted, and quotes are kept as part "
	  "of it: write it without them" },
	{ "[notes]\nref = \"refs/notes/v\"\n",
	  "P:2: [notes] ref: the value \"refs/notes/v\" is quoted, and quotes are kept as "
	  "part of it: write it without them" },

	/* Values that are not of their key's kind. */
	{ "[server]\ntest_timeout = 15\n",
	  "P:2: [server] test_timeout: '15' is not a duration (write it like 90s, 15m or 1h)" },
	{ "[server]\nallow_direct = maybe\n", "P:2: [server] allow_direct: 'maybe' is not a boolean (true or false)" },
	{ "[test]\nreuse = 2\n", "P:2: [test] reuse: '2' is not a boolean (true or false)" },
	{ "[review]\n\nallow_manual =\n", "P:3: [review] allow_manual: '' is not a boolean (true or false)" },
	{ "[test]\non_failure = abort\n", "P:2: [test] on_failure: 'abort' is not one of undo, revert, keep" },
	{ "[review]\nsandbox = docker\n", "P:2: [review] sandbox: 'docker' is not one of none, bwrap, auto" },
	{ "[notes]\nref = refs/heads/verdicts\n",
	  "P:2: [notes] ref: 'refs/heads/verdicts' is not a notes ref (want refs/notes/NAME)" },
	{ "[notes]\nref = verdicts\n", "P:2: [notes] ref: 'verdicts' is not a notes ref (want refs/notes/NAME)" },
	{ "[notes]\ntests_ref = refs/notes/\n",
	  "P:2: [notes] tests_ref: 'refs/notes/' is not a notes ref (want refs/notes/NAME)" },
	{ "[notes]\nref = refs/notes/a:b\n",
	  "P:2: [notes] ref: 'refs/notes/a:b' is not a notes ref (want refs/notes/NAME)" },
	{ "[notes]\nref = refs/notes/a b\n",
	  "P:2: [notes] ref: 'refs/notes/a b' is not a notes ref (want refs/notes/NAME)" },
	{ "[branches]\nprotected = main bad~name\n",
	  "P:2: [branches] protected: a pattern holds a character git forbids in branch names" },
};

static void test_refused(void **state)
{
	size_t i, wrong = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		char *err = refusal("P", refused[i].text, strlen(refused[i].text));

		if (!err || strcmp(err, refused[i].error)) {
			print_error("policy %zu: %s\n  want: %s\n", i + 1, err ? err : "(accepted)", refused[i].error);
			wrong++;
		}
		free(err);
	}
	if (wrong)
		fail_msg("%zu of %zu bad policies were not refused as they should be", wrong, ARRAY_SIZE(refused));
}

static void test_error_names_the_source(void **state)
{
	char *err;

	(void)state;
	err = parse_err_len("/etc/orch-hooks.ini", "[branches]\nprotected = main\n[bogus]\nx = 1\n",
			    strlen("[branches]\nprotected = main\n[bogus]\nx = 1\n"));
	assert_string_equal(err, "/etc/orch-hooks.ini:3: unknown section [bogus]");
	free(err);
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

UNIT_PARSE_FN(parse_duration, orch_parse_duration, unsigned)

static void test_parse_duration(void **state)
{
	static const struct unit_parse_case good[] = {
		{ "90s", 90 }, { "15m", 900 }, { "1h", 3600 }, { "1h30m", 5400 },
		{ "2h15m30s", 8130 }, { "1s", 1 }, { "0h5m", 300 }, { "168h", 7 * 24 * 3600 },
	};
	static const char *const bad[] = {
		"", "90", "abc", "0s", "-5m", "10x", "1h30", "h", "m5", "1.5h", " 5m", "5m ",
		"5M", "0h0m", "169h", "99999999999999999999s",
	};

	(void)state;
	UNIT_CHECK_PARSES(parse_duration, good, bad);
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

UNIT_PARSE_FN(parse_bool, orch_parse_bool, int)

static void test_parse_bool(void **state)
{
	static const struct unit_parse_case good[] = {
		{ "true", 1 }, { "TRUE", 1 }, { "True", 1 }, { "yes", 1 }, { "YES", 1 }, { "yEs", 1 },
		{ "on", 1 }, { "ON", 1 }, { "On", 1 }, { "1", 1 },
		{ "false", 0 }, { "FALSE", 0 }, { "False", 0 }, { "no", 0 }, { "NO", 0 }, { "nO", 0 },
		{ "off", 0 }, { "OFF", 0 }, { "Off", 0 }, { "0", 0 },
	};
	static const char *const bad[] = { "", "2", "y", "n", "t", "f", "truee", "enable",
					   " true", "true ", "00", "-1" };

	(void)state;
	UNIT_CHECK_PARSES(parse_bool, good, bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_absent_keys_keep_defaults),
		cmocka_unit_test(test_protected_replaces_default),
		cmocka_unit_test(test_full_policy),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_bom_keeps_line_numbers),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_error_names_the_source),
		cmocka_unit_test(test_bad_duration),
		cmocka_unit_test(test_empty_policy),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_format_duration),
		cmocka_unit_test(test_parse_bool),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
