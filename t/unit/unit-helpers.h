#ifndef ORCH_UNIT_HELPERS_H
#define ORCH_UNIT_HELPERS_H

/*
 * Helpers shared by the cmocka unit tests (t/unit/test-*.c), linked into
 * each of them from t/unit/libunit.a. A table checker reports every row
 * that is wrong, then fails the test once: one run shows all the damage.
 */
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))

/* The main() of a test program: runs the tests given (cmocka_unit_test(...)) as the named group. */
#define UNIT_MAIN(group, ...) \
	int main(void) \
	{ \
		const struct CMUnitTest tests[] = { __VA_ARGS__ }; \
		return cmocka_run_group_tests_name(group, tests, NULL, NULL); \
	}

/*
 * A value parser under test, wrapped to one signature: on success it sets
 * *out and returns 0; on failure it returns -1 and leaves *out alone.
 */
typedef int (*unit_parse_fn)(const char *text, long long *out);

struct unit_parse_case {
	const char *text;
	long long want;
};

/* Every good text parses to its value; every bad one is refused, its output untouched. */
void unit_check_parses(unit_parse_fn parse, const struct unit_parse_case *good, size_t nr_good,
		       const char *const *bad, size_t nr_bad);
#define UNIT_CHECK_PARSES(parse, good, bad) \
	unit_check_parses(parse, good, ARRAY_SIZE(good), bad, ARRAY_SIZE(bad))

/* Defines name(), the unit_parse_fn of a parser `int fn(const char *text, type *out)`. */
#define UNIT_PARSE_FN(name, fn, type) \
	static int name(const char *text, long long *out) \
	{ \
		type value = (type)*out; \
		int ret = fn(text, &value); \
		*out = (long long)value; \
		return ret; \
	}

#endif
