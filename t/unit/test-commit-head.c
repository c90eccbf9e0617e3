/* Unit tests for reading a commit's tree and parents (src/commit-head.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "commit-head.h"

#define TREE "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
#define P1 "1111111111111111111111111111111111111111"
#define P2 "2222222222222222222222222222222222222222"
#define P3 "3333333333333333333333333333333333333333"
#define AUTHOR "author A U Thor <a@example.com> 1700000000 +0000\n" \
	"committer C O Mitter <c@example.com> 1700000000 +0000\n\nmessage\n"

static int parse(struct orch_commit_head *h, const char *raw)
{
	return orch_commit_head_parse(h, raw, strlen(raw));
}

static void assert_oid(const git_oid *oid, const char *hex)
{
	char buf[GIT_OID_HEXSZ + 1];

	assert_string_equal(git_oid_tostr(buf, sizeof(buf), oid), hex);
}

static void test_root(void **state)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;

	(void)state;
	assert_int_equal(parse(&h, "tree " TREE "\n" AUTHOR), 0);
	assert_oid(&h.tree, TREE);
	assert_int_equal(h.nr_parents, 0);
	orch_commit_head_release(&h);
}

static void test_octopus_and_reuse(void **state)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;

	(void)state;
	assert_int_equal(parse(&h, "tree " TREE "\nparent " P1 "\nparent " P2 "\nparent " P3 "\n"
			       "parent " P1 "\nparent " P2 "\n" AUTHOR), 0);
	assert_int_equal(h.nr_parents, 5);
	assert_oid(&h.parents[0], P1);
	assert_oid(&h.parents[2], P3);
	assert_oid(&h.parents[4], P2);
	/* The same head read again forgets the earlier parents. */
	assert_int_equal(parse(&h, "tree " TREE "\nparent " P2 "\n" AUTHOR), 0);
	assert_int_equal(h.nr_parents, 1);
	assert_oid(&h.parents[0], P2);
	orch_commit_head_release(&h);
}

static void test_a_parent_named_in_the_message_is_not_a_parent(void **state)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;

	(void)state;
	assert_int_equal(parse(&h, "tree " TREE "\nparent " P1 "\n" AUTHOR "parent " P2 "\n"), 0);
	assert_int_equal(h.nr_parents, 1);
	orch_commit_head_release(&h);
}

/* The ids parse as git's get_oid_hex reads them: both cases, every digit, nothing else. */
static void test_hex_digits(void **state)
{
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;
	const char *bad = "g/:@`G";
	char raw[200];
	size_t i;

	(void)state;
	assert_int_equal(parse(&h, "tree 0123456789ABCDEFabcdef0123456789aBcDeF01\n"
			       "parent FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\n" AUTHOR), 0);
	assert_oid(&h.tree, "0123456789abcdefabcdef0123456789abcdef01");
	assert_oid(&h.parents[0], "ffffffffffffffffffffffffffffffffffffffff");
	/* A byte just outside each range of digits, at the first and the last place. */
	for (i = 0; bad[i]; i++) {
		snprintf(raw, sizeof(raw), "tree %c%.39s\n" AUTHOR, bad[i], &TREE[1]);
		assert_int_equal(parse(&h, raw), -1);
		snprintf(raw, sizeof(raw), "tree %.39s%c\n" AUTHOR, TREE, bad[i]);
		assert_int_equal(parse(&h, raw), -1);
	}
	orch_commit_head_release(&h);
}

static void test_malformed_fails(void **state)
{
	static const char *const bad[] = {
		"",
		"tree " TREE,
		"tree 4b825dc642cb6eb9a060e54bf8d69288fbee490\n" AUTHOR,
		"tree " TREE "\nparent 111111111111111111111111111111111111111\n" AUTHOR,
		"tree " TREE "\nparent " P1 "\nparent zz11111111111111111111111111111111111111\n" AUTHOR,
		"tree " TREE "\nparent " P1 " \n" AUTHOR,
		"tree " TREE "\nparent " P1,
		"parent " P1 "\ntree " TREE "\n" AUTHOR,
	};
	struct orch_commit_head h = ORCH_COMMIT_HEAD_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(parse(&h, bad[i]), -1);
	orch_commit_head_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_octopus_and_reuse),
		cmocka_unit_test(test_a_parent_named_in_the_message_is_not_a_parent),
		cmocka_unit_test(test_hex_digits),
		cmocka_unit_test(test_malformed_fails),
	};
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
