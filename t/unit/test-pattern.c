#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pattern.h"
#include "policy.h"
#include "unit-helpers.h"

#define FORBIDDEN "a pattern holds a character git forbids in branch names"

struct match_case {
	const char *pattern;
	const char *name;
	int want;
};

/* Every pattern against names it must and must not match. */
static const struct match_case matches[] = {
	/* Literal names, written short or as refs/heads/NAME. */
	{ "main", "main", 1 },
	{ "main", "refs/heads/main", 1 },
	{ "refs/heads/main", "main", 1 },
	{ "refs/heads/main", "refs/heads/main", 1 },
	{ "main", "mainline", 0 },
	{ "main", "mai", 0 },
	{ "main", "xmain", 0 },
	{ "main", "Main", 0 },
	{ "main", "feature/main", 0 },
	{ "main", "refs/heads/feature/main", 0 },
	{ "main", "refs/tags/main", 0 },
	{ "main", "", 0 },
	{ "release/1.0", "release/1.0", 1 },
	{ "release/1.0", "release/1x0", 0 },
	/* '*' matches any run of characters but '/'. */
	{ "release/*", "release/1.0", 1 },
	{ "release/*", "refs/heads/release/1.0", 1 },
	{ "refs/heads/release/*", "release/2.0", 1 },
	{ "release/*", "release/a/b", 0 },
	{ "release/*", "release", 0 },
	{ "release/*", "releases/1.0", 0 },
	{ "release/*", "xrelease/1.0", 0 },
	{ "*", "main", 1 },
	{ "*", "feature/x", 0 },
	{ "feat-*-fix", "feat-login-fix", 1 },
	{ "feat-*-fix", "feat--fix", 1 },
	{ "feat-*-fix", "feat-a/b-fix", 0 },
	{ "feat-*-fix", "feat-login-fixed", 0 },
	{ "*/main", "team/main", 1 },
	{ "*/main", "a/team/main", 0 },
	{ "v*.*", "v1.2", 1 },
	{ "v*.*", "v12", 0 },
	/* '**' matches across '/'. */
	{ "release/**", "release/a/b", 1 },
	{ "release/**", "release/1.0", 1 },
	{ "release/**", "refs/heads/release/a/b/c", 1 },
	{ "release/**", "release", 0 },
	{ "release/**", "other/a/b", 0 },
	{ "**", "a/b/c", 1 },
	{ "**", "main", 1 },
	{ "team/**/fix", "team/a/b/fix", 1 },
	{ "team/**/fix", "team/a/b/fixes", 0 },
	{ "team/**-wip", "team/x/y-wip", 1 },
	/* '?' matches one character but '/'. */
	{ "?", "a", 1 },
	{ "?", "/", 0 },
	{ "?", "ab", 0 },
	{ "?", "", 0 },
	{ "v?.0", "v1.0", 1 },
	{ "v?.0", "v/.0", 0 },
	{ "v?.0", "v10.0", 0 },
	{ "a?b", "a/b", 0 },
	{ "a??", "a/b", 0 },
	/* Only branches match, whatever the wildcard: a tag or remote-tracking ref never does. */
	{ "**", "refs/heads/a/b", 1 },
	{ "**", "a/b", 1 },
	{ "**", "refs/tags/v1", 0 },
	{ "**", "refs/remotes/origin/main", 0 },
	{ "*", "refs/notes/verdicts", 0 },
	{ "main", "refs/remotes/origin/main", 0 },
	/*
	 * Found by fuzz/fuzz-pattern: a recursive glob backtracks exponentially
	 * on many stars. Each of these took seconds to minutes; linear-time
	 * matching does them all in well under a second.
	 */
	{ "*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	{ "*a*a*a*a*a*a*a*a*a*a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1 },
	{ "**a**a**a**a**a**a**a**b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	{ "**a/**a/**a/**a/**a/**b", "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a", 0 },
	{ "*?*?*?*?*?*?*?*?*?*?*/x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	{ "a*a*a*a*a*a*a*a*a*a*a*a*/", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/", 1 },
};

/* Checks each case; reports every wrong one. */
static void check_matches(const struct match_case *c, size_t nr)
{
	size_t i, wrong = 0;

	for (i = 0; i < nr; i++) {
		if (orch_pattern_match(c[i].pattern, c[i].name) == c[i].want)
			continue;
		print_error("pattern '%s' against '%s': want %s\n", c[i].pattern, c[i].name,
			    c[i].want ? "a match" : "no match");
		wrong++;
	}
	if (wrong)
		fail_msg("%zu of %zu matches wrong", wrong, nr);
}

static void test_match(void **state)
{
	(void)state;
	check_matches(matches, ARRAY_SIZE(matches));
}

static void test_parse_list(void **state)
{
	struct orch_patterns p = ORCH_PATTERNS_INIT;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(orch_patterns_parse(&p, "main, master release/*", &bad), 0);
	assert_null(bad);
	assert_int_equal(p.nr, 3);
	assert_string_equal(p.items[0], "main");
	assert_string_equal(p.items[1], "master");
	assert_string_equal(p.items[2], "release/*");
	orch_patterns_release(&p);
	assert_null(p.items);
	assert_int_equal(p.nr, 0);

	assert_int_equal(orch_patterns_parse(&p, " ,,main,\t,master\t, ,", &bad), 0);
	assert_int_equal(p.nr, 2);
	assert_string_equal(p.items[0], "main");
	assert_string_equal(p.items[1], "master");
	orch_patterns_release(&p);

	assert_int_equal(orch_patterns_parse(&p, "refs/heads/trunk", &bad), 0);
	assert_int_equal(p.nr, 1);
	assert_string_equal(p.items[0], "refs/heads/trunk");
	orch_patterns_release(&p);
}

static void test_parse_empty(void **state)
{
	static const char *const empties[] = { "", " ", ",", " , \t,, " };
	struct orch_patterns p = ORCH_PATTERNS_INIT;
	const char *bad = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(empties) / sizeof(*empties); i++) {
		assert_int_equal(orch_patterns_parse(&p, empties[i], &bad), 0);
		assert_int_equal(p.nr, 0);
		assert_null(p.items);
		assert_false(orch_patterns_match(&p, "main"));
		orch_patterns_release(&p);
	}
	assert_null(bad);
}

/* The list must be refused, for the reason why (exact) or one that contains it. */
static void expect_refused(const char *list, const char *why, int exact)
{
	struct orch_patterns p = ORCH_PATTERNS_INIT;
	const char *bad = NULL;

	if (orch_patterns_parse(&p, list, &bad) != -1)
		fail_msg("pattern list '%s' was accepted", list);
	assert_non_null(bad);
	if (exact ? strcmp(bad, why) != 0 : !strstr(bad, why))
		fail_msg("pattern list '%s' refused for '%s', want '%s'", list, bad, why);
	orch_patterns_release(&p);
}

static void test_parse_invalid(void **state)
{
	static const char *const invalid[] = {
		"bad~name", "main^", "a:b", "release/[0-9]*", "back\\slash",
		"ctl\x01x", "tab-is-a-separator-but-cr\rx", "del\x7f", "esc\x1b",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(invalid); i++) {
		char list[128];

		expect_refused(invalid[i], FORBIDDEN, 1);
		/* Also when it follows valid patterns in a list. */
		snprintf(list, sizeof(list), "main, %s master", invalid[i]);
		expect_refused(list, FORBIDDEN, 1);
	}

	/* bad may be NULL. */
	{
		struct orch_patterns p = ORCH_PATTERNS_INIT;

		assert_int_equal(orch_patterns_parse(&p, "x~y", NULL), -1);
		orch_patterns_release(&p);
	}
}

static void test_list_match(void **state)
{
	struct orch_patterns p = ORCH_PATTERNS_INIT;
	struct orch_patterns none = ORCH_PATTERNS_INIT;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(orch_patterns_parse(&p, "main release/* hotfix/**", &bad), 0);
	assert_true(orch_patterns_match(&p, "main"));
	assert_true(orch_patterns_match(&p, "refs/heads/main"));
	assert_true(orch_patterns_match(&p, "release/1.0"));
	assert_true(orch_patterns_match(&p, "refs/heads/release/1.0"));
	assert_true(orch_patterns_match(&p, "hotfix/a/b"));
	assert_false(orch_patterns_match(&p, "mainline"));
	assert_false(orch_patterns_match(&p, "release/a/b"));
	assert_false(orch_patterns_match(&p, "feature/x"));
	assert_false(orch_patterns_match(&p, "master"));
	orch_patterns_release(&p);

	assert_false(orch_patterns_match(&none, "main"));
}

/* protected = "main" would otherwise protect a branch named with its quotes: nothing. */
static void test_parse_quoted(void **state)
{
	static const char *const quoted[] = { "\"main\"", "'main'", "\"main", "main'", "rel\"ease/*" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(quoted); i++) {
		char list[64];

		snprintf(list, sizeof(list), "master %s", quoted[i]);
		expect_refused(list, "quotes are kept as part of the value", 0);
	}
}

/* A pattern names branches: one written for another namespace could never match. */
static void test_parse_not_a_branch(void **state)
{
	struct orch_patterns p = ORCH_PATTERNS_INIT;
	const char *bad = NULL;

	(void)state;
	expect_refused("main refs/tags/v1", "a ref outside refs/heads/ never matches", 0);
	assert_int_equal(orch_patterns_parse(&p, "refs/heads/main", &bad), 0);
	orch_patterns_release(&p);
}

static void test_short_name_and_literal(void **state)
{
	(void)state;
	assert_string_equal(orch_branch_short_name("refs/heads/main"), "main");
	assert_string_equal(orch_branch_short_name("refs/heads/refs/x"), "refs/x");
	assert_string_equal(orch_branch_short_name("main"), "main");
	assert_null(orch_branch_short_name("refs/tags/main"));
	assert_null(orch_branch_short_name("refs/remotes/origin/main"));
	assert_true(orch_pattern_is_literal("release/1.0"));
	assert_true(orch_pattern_is_literal("refs/heads/main"));
	assert_false(orch_pattern_is_literal("release/*"));
	assert_false(orch_pattern_is_literal("v?"));
}

static void test_branch_is_protected(void **state)
{
	struct orch_policy p;

	(void)state;
	orch_policy_init(&p); /* main master */
	assert_true(orch_branch_is_protected(&p, "main"));
	assert_true(orch_branch_is_protected(&p, "refs/heads/master"));
	assert_false(orch_branch_is_protected(&p, "refs/tags/main"));
	assert_false(orch_branch_is_protected(&p, "feature"));
	assert_false(orch_branch_is_protected(&p, NULL));
	/* A pushed ref is a full name: only refs/heads/ is a branch there. */
	assert_true(orch_ref_is_protected_branch(&p, "refs/heads/main"));
	assert_false(orch_ref_is_protected_branch(&p, "main"));
	assert_false(orch_ref_is_protected_branch(&p, "refs/tags/main"));
	assert_false(orch_ref_is_protected_branch(&p, "refs/heads/feature"));
	orch_policy_release(&p);
}

/* All of matches[], the many stars included, and long inputs, in well under a second. */
static void test_many_stars_are_fast(void **state)
{
	char pattern[4001], name[4001];
	clock_t start = clock();
	size_t i;

	(void)state;
	check_matches(matches, ARRAY_SIZE(matches));
	/* Long inputs: 2000 stars against 4000 characters. */
	for (i = 0; i < 4000; i++)
		pattern[i] = i % 2 ? 'a' : '*';
	pattern[3999] = 'b';
	pattern[4000] = '\0';
	memset(name, 'a', 4000);
	name[4000] = '\0';
	assert_false(orch_pattern_match(pattern, name));
	name[3999] = 'b';
	assert_true(orch_pattern_match(pattern, name));
	if ((double)(clock() - start) / CLOCKS_PER_SEC > 5.0)
		fail_msg("matching took %.1fs", (double)(clock() - start) / CLOCKS_PER_SEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_list_match),
		cmocka_unit_test(test_parse_quoted),
		cmocka_unit_test(test_parse_not_a_branch),
		cmocka_unit_test(test_short_name_and_literal),
		cmocka_unit_test(test_branch_is_protected),
		cmocka_unit_test(test_many_stars_are_fast),
	};

	return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
