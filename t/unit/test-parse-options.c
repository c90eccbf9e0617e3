/* Unit tests for the option parser (src/parse-options.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "display-width.h"
#include "parse-options.h"
#include "unit-helpers.h"

static int fake_fn(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return 0;
}

static const struct orch_cmd fake = {
	.name = "fake", .usage = "fake [--flag] [--name <x>] ARG...", .summary = "a command for tests", .fn = fake_fn,
};

struct values {
	int flag;
	const char *name;
	unsigned n;
	struct orch_option_list items;
};

/* Parses the NULL-terminated words (argv[0] is the command) into v; returns parse's result. */
static int parse(struct values *v, char **words)
{
	int argc = 0;
	const struct orch_option opts[] = {
		OPT_BOOL('f', "flag", &v->flag, "a flag"),
		OPT_STRING(0, "name", &v->name, "<x>", "a name"),
		OPT_UINT('j', "jobs", &v->n, "<n>", "a number"),
		OPT_LIST('i', "item", &v->items, "<item>", "repeatable"),
		OPT_EXITS("0 fine\n1 not fine"),
		OPT_END(),
	};

	while (words[argc])
		argc++;
	return orch_parse_options(argc, words, opts, &fake);
}

#define WORDS(...) ((char *[]){ "fake", __VA_ARGS__, NULL })

/* Command lines that parse: what each option then holds, and the arguments left in order. */
static const struct {
	const char *words[6]; /* after the command's name */
	int flag_before;
	int ret, flag;
	const char *name;
	unsigned n;
	const char *items[3], *rest[5];
} parses[] = {
	/* Long forms, with '=' or the next word as the value. */
	{ { "--flag", "--name=a=b", "--jobs", "4", "arg" }, 0, 1, 1, "a=b", 4, { NULL }, { "arg" } },
	/* Short forms, --no-, and a repeatable option kept in order. */
	{ { "-j7", "--no-flag", "-i", "x", "--item=y" }, 1, 0, 0, NULL, 7, { "x", "y" }, { NULL } },
	/* "--" ends the options; "-" is an argument. */
	{ { "a", "--", "--flag", "-j", "-" }, 0, 4, 0, NULL, 0, { NULL }, { "a", "--flag", "-j", "-" } },
};

/* Checks what parsing one row left in v and w against the row. */
static void check_parsed(size_t row, const struct values *v, char **w)
{
	const char *want_name = parses[row].name;
	int i;

	assert_int_equal(v->flag, parses[row].flag);
	if (want_name ? !v->name || strcmp(v->name, want_name) : v->name != NULL)
		fail_msg("row %zu: --name is '%s'", row + 1, v->name ? v->name : "(unset)");
	assert_int_equal(v->n, parses[row].n);
	assert_true(v->items.nr < (int)ARRAY_SIZE(parses[row].items));
	for (i = 0; i < v->items.nr; i++)
		assert_string_equal(v->items.items[i], parses[row].items[i]);
	assert_null(parses[row].items[v->items.nr]);
	for (i = 0; i < parses[row].ret; i++)
		assert_string_equal(w[i], parses[row].rest[i]);
	assert_null(w[parses[row].ret]);
}

static void test_parses(void **state)
{
	size_t row;

	(void)state;
	for (row = 0; row < ARRAY_SIZE(parses); row++) {
		struct values v = { .flag = parses[row].flag_before };
		char *w[ARRAY_SIZE(parses[row].words) + 2] = { (char *)"fake" };
		size_t i;
		int ret;

		for (i = 0; i < ARRAY_SIZE(parses[row].words) && parses[row].words[i]; i++)
			w[i + 1] = (char *)parses[row].words[i];
		ret = parse(&v, w);
		if (ret != parses[row].ret)
			fail_msg("row %zu: parse returned %d, want %d", row + 1, ret, parses[row].ret);
		check_parsed(row, &v, w);
		orch_option_list_release(&v.items);
	}
}

static void test_errors(void **state)
{
	struct values v = { 0 };

	(void)state;
	assert_int_equal(parse(&v, WORDS("--frob")), -1);
	assert_int_equal(parse(&v, WORDS("-x")), -1);
	assert_int_equal(parse(&v, WORDS("--flag=1")), -1);
	assert_int_equal(parse(&v, WORDS("--name")), -1);
	assert_int_equal(parse(&v, WORDS("--jobs=-1")), -1);
	assert_int_equal(parse(&v, WORDS("--jobs=4x")), -1);
	assert_int_equal(parse(&v, WORDS("--no-name")), -1);
	assert_int_equal(parse(&v, WORDS("-fj")), -1);
	/* A prefix of an option is not the option. */
	assert_int_equal(parse(&v, WORDS("--fla")), -1);
	assert_int_equal(v.flag, 0);
}

static void test_help_lists_options_and_exits(void **state)
{
	struct values v = { 0 };
	const struct orch_option opts[] = {
		OPT_BOOL('f', "flag", &v.flag, "a flag"),
		OPT_STRING(0, "name", &v.name, "<x>", "a name"),
		OPT_EXITS("0 fine\n1 not fine"),
		OPT_END(),
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	orch_options_help(f, opts, &fake);
	fclose(f);
	assert_non_null(strstr(buf, "usage: orch-hooks fake [--flag]"));
	assert_non_null(strstr(buf, "    -f, --flag"));
	assert_non_null(strstr(buf, "    --name=<x>"));
	assert_non_null(strstr(buf, "    -h, --help"));
	assert_non_null(strstr(buf, "exit status:\n    0 fine\n    1 not fine\n    128 "));
	free(buf);
}

static void test_display_width(void **state)
{
	(void)state;
	assert_int_equal(orch_display_width(""), 0);
	assert_int_equal(orch_display_width("feature/x"), 9);
	assert_int_equal(orch_display_width("caf\xc3\xa9"), 4);			/* café, precomposed */
	assert_int_equal(orch_display_width("cafe\xcc\x81"), 4);		/* e + combining acute */
	assert_int_equal(orch_display_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);	/* two CJK ideographs */
	assert_int_equal(orch_display_width("\xf0\x9f\x9a\x80"), 2);		/* rocket emoji */
	assert_int_equal(orch_display_width("a\xff" "b"), 3);			/* an invalid byte */
	assert_int_equal(orch_display_width("\xc0\xaf"), 2);			/* overlong: two bytes */
	assert_int_equal(orch_display_width("\xe6\x97"), 2);			/* cut short */
}

static void test_print_padded(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	orch_print_padded(f, "\xe6\x97\xa5", 4);
	fputc('|', f);
	orch_print_padded(f, "toolong", 3);
	fclose(f);
	assert_string_equal(buf, "\xe6\x97\xa5  |toolong");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_help_lists_options_and_exits),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_print_padded),
	};

	return cmocka_run_group_tests_name("parse-options", tests, NULL, NULL);
}
