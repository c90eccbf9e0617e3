#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "unit-helpers.h"

/* What a parser's output holds before the call: a failed parse must leave it so. */
#define UNTOUCHED 12345

void unit_check_parses(unit_parse_fn parse, const struct unit_parse_case *good, size_t nr_good,
		       const char *const *bad, size_t nr_bad)
{
	size_t i, wrong = 0;

	for (i = 0; i < nr_good; i++) {
		long long out = UNTOUCHED;

		if (parse(good[i].text, &out) != 0) {
			print_error("'%s' was refused\n", good[i].text);
			wrong++;
		} else if (out != good[i].want) {
			print_error("'%s' gave %lld, want %lld\n", good[i].text, out, good[i].want);
			wrong++;
		}
	}
	for (i = 0; i < nr_bad; i++) {
		long long out = UNTOUCHED;

		if (parse(bad[i], &out) != -1) {
			print_error("'%s' was accepted (as %lld)\n", bad[i], out);
			wrong++;
		} else if (out != UNTOUCHED) {
			print_error("refusing '%s' changed the output to %lld\n", bad[i], out);
			wrong++;
		}
	}
	if (wrong)
		fail_msg("%zu of %zu texts parsed wrong", wrong, nr_good + nr_bad);
}
