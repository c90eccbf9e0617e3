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

static int fake_fn(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static const struct orch_cmd fake = { "fake", "fake [--flag] [--name <x>] ARG...", "a command for tests", fake_fn };

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

static void test_long_forms(void **state)
{
	struct values v = { 0 };
	char **w = WORDS("--flag", "--name=a=b", "--jobs", "4", "arg");

	(void)state;
	assert_int_equal(parse(&v, w), 1);
	assert_int_equal(v.flag, 1);
	assert_string_equal(v.name, "a=b");
	assert_int_equal(v.n, 4);
	assert_string_equal(w[0], "arg");
	assert_null(w[1]);
}

static void test_short_forms_and_no(void **state)
{
	struct values v = { .flag = 1 };
	char **w = WORDS("-j7", "--no-flag", "-i", "x", "--item=y");

	(void)state;
	assert_int_equal(parse(&v, w), 0);
	assert_int_equal(v.flag, 0);
	assert_int_equal(v.n, 7);
	assert_int_equal(v.items.nr, 2);
	assert_string_equal(v.items.items[0], "x");
	assert_string_equal(v.items.items[1], "y");
	orch_option_list_release(&v.items);
}

static void test_double_dash_ends_options(void **state)
{
	struct values v = { 0 };
	char **w = WORDS("a", "--", "--flag", "-j", "-");

	(void)state;
	assert_int_equal(parse(&v, w), 4);
	assert_int_equal(v.flag, 0);
	assert_string_equal(w[0], "a");
	assert_string_equal(w[1], "--flag");
	assert_string_equal(w[2], "-j");
	assert_string_equal(w[3], "-");
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
		cmocka_unit_test(test_long_forms),
		cmocka_unit_test(test_short_forms_and_no),
		cmocka_unit_test(test_double_dash_ends_options),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_help_lists_options_and_exits),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_print_padded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
