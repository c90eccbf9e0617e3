/* Unit tests for the object id set (src/oidset.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oidset.h"
#include "unit-helpers.h"

/* Distinct ids whose first bytes collide a lot, to exercise probing. */
static void make_oid(git_oid *oid, unsigned i)
{
	memset(oid, 0, sizeof(*oid));
	oid->id[0] = (unsigned char)(i & 1);
	oid->id[16] = (unsigned char)(i >> 24);
	oid->id[17] = (unsigned char)(i >> 16);
	oid->id[18] = (unsigned char)(i >> 8);
	oid->id[19] = (unsigned char)i;
}

static void test_empty(void **state)
{
	struct orch_oidset s = ORCH_OIDSET_INIT;
	git_oid oid;

	(void)state;
	make_oid(&oid, 1);
	assert_false(orch_oidset_contains(&s, &oid));
	orch_oidset_release(&s);
}

static void test_add_twice(void **state)
{
	struct orch_oidset s = ORCH_OIDSET_INIT;
	git_oid oid;

	(void)state;
	make_oid(&oid, 7);
	assert_int_equal(orch_oidset_add(&s, &oid), 1);
	assert_int_equal(orch_oidset_add(&s, &oid), 0);
	assert_int_equal(s.nr, 1);
	assert_true(orch_oidset_contains(&s, &oid));
	orch_oidset_release(&s);
}

static void test_many_with_collisions(void **state)
{
	struct orch_oidset s = ORCH_OIDSET_INIT;
	git_oid oid;
	unsigned i;

	(void)state;
	for (i = 0; i < 20000; i += 2) {
		make_oid(&oid, i);
		assert_int_equal(orch_oidset_add(&s, &oid), 1);
	}
	assert_int_equal(s.nr, 10000);
	for (i = 0; i < 20000; i++) {
		make_oid(&oid, i);
		if (orch_oidset_contains(&s, &oid) != !(i & 1))
			fail_msg("id %u: wrong answer", i);
	}
	orch_oidset_release(&s);
	assert_int_equal(s.nr, 0);
}

UNIT_MAIN("oidset",
	  cmocka_unit_test(test_empty),
	  cmocka_unit_test(test_add_twice),
	  cmocka_unit_test(test_many_with_collisions))
