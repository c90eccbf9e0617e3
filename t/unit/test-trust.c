#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "policy.h"
#include "trust.h"
#include "unit-helpers.h"

#define C1 "0123456789abcdef0123456789abcdef01234567"
#define T1 "1111111111111111111111111111111111111111"
#define T2 "2222222222222222222222222222222222222222"

#define PASS_NOTE "Verdict: PASS\nCommit: " C1 "\nTree: " T1 "\nReviewer: r\nDate: 2026-11-24T18:00:00Z\n"
#define FAIL_NOTE "Verdict: FAIL\nCommit: " C1 "\nTree: " T1 "\nReviewer: r\nDate: 2026-11-24T18:00:00Z\n\nbroken\n"

/* Judges `text` for C1/T1 under a policy with the two signature switches. */
static enum orch_judgement judge(int local_signed, int server_signed, enum orch_trust_where where,
				 const char *text, const char *tree)
{
	struct orch_policy p;
	struct orch_judgement_result res;
	enum orch_judgement k;

	orch_policy_init(&p);
	p.require_signed = local_signed;
	p.server_require_signed = server_signed;
	orch_trust_judge_text(&p, where, text, strlen(text), C1, tree, &res);
	k = res.kind;
	if (k == ORCH_JUDGE_UNTRUSTED)
		assert_non_null(res.detail);
	orch_judgement_result_release(&res);
	orch_policy_release(&p);
	return k;
}

static void test_unsigned_pass_counts_without_the_switch(void **state)
{
	(void)state;
	assert_int_equal(judge(0, 0, ORCH_TRUST_LOCAL, PASS_NOTE, T1), ORCH_JUDGE_PASS);
	assert_int_equal(judge(0, 0, ORCH_TRUST_SERVER, PASS_NOTE, T1), ORCH_JUDGE_PASS);
}

/* Each place obeys its own switch: [branches] locally, [server] on the server. */
static void test_each_switch_binds_its_place(void **state)
{
	(void)state;
	assert_int_equal(judge(1, 0, ORCH_TRUST_LOCAL, PASS_NOTE, T1), ORCH_JUDGE_UNTRUSTED);
	assert_int_equal(judge(1, 0, ORCH_TRUST_SERVER, PASS_NOTE, T1), ORCH_JUDGE_PASS);
	assert_int_equal(judge(0, 1, ORCH_TRUST_LOCAL, PASS_NOTE, T1), ORCH_JUDGE_PASS);
	assert_int_equal(judge(0, 1, ORCH_TRUST_SERVER, PASS_NOTE, T1), ORCH_JUDGE_UNTRUSTED);
	assert_int_equal(judge(1, 1, ORCH_TRUST_LOCAL, PASS_NOTE, T1), ORCH_JUDGE_UNTRUSTED);
	assert_int_equal(judge(1, 1, ORCH_TRUST_SERVER, PASS_NOTE, T1), ORCH_JUDGE_UNTRUSTED);
}

static void test_requires_signature(void **state)
{
	struct orch_policy p;

	(void)state;
	orch_policy_init(&p);
	assert_false(orch_trust_requires_signature(&p, ORCH_TRUST_LOCAL));
	assert_false(orch_trust_requires_signature(&p, ORCH_TRUST_SERVER));
	p.require_signed = 1;
	assert_true(orch_trust_requires_signature(&p, ORCH_TRUST_LOCAL));
	assert_false(orch_trust_requires_signature(&p, ORCH_TRUST_SERVER));
	orch_policy_release(&p);
}

/* A FAIL or a broken binding stays what it is: the signature never turns it into a pass. */
static void test_binding_before_signature(void **state)
{
	(void)state;
	assert_int_equal(judge(1, 1, ORCH_TRUST_LOCAL, FAIL_NOTE, T1), ORCH_JUDGE_FAIL);
	assert_int_equal(judge(0, 0, ORCH_TRUST_LOCAL, PASS_NOTE, T2), ORCH_JUDGE_WRONG_TREE);
	assert_int_equal(judge(1, 0, ORCH_TRUST_LOCAL, PASS_NOTE, T2), ORCH_JUDGE_WRONG_TREE);
	assert_int_equal(judge(0, 0, ORCH_TRUST_SERVER, "Verdict: PASSED\n", T1), ORCH_JUDGE_GARBAGE);
	assert_int_equal(judge(0, 0, ORCH_TRUST_SERVER, "", T1), ORCH_JUDGE_EMPTY);
}

/* A signature header that is present but not a good signature is not trusted either. */
static void test_empty_signature_is_unsigned(void **state)
{
	static const char note[] = "Verdict: PASS\nCommit: " C1 "\nTree: " T1
				   "\nReviewer: r\nDate: 2026-11-24T18:00:00Z\nSignature: \n";

	(void)state;
	assert_int_not_equal(judge(1, 0, ORCH_TRUST_LOCAL, note, T1), ORCH_JUDGE_PASS);
}

/* Without the repository a carried PASS cannot be checked: it never counts here. */
static void test_carried_pass_needs_the_repository(void **state)
{
	(void)state;
	assert_int_equal(judge(0, 0, ORCH_TRUST_LOCAL, PASS_NOTE "Carried-From: " T2 "\nCarried-Base: " T2 "\n", T1),
			 ORCH_JUDGE_CARRY_REFUSED);
}

/* What a refusal tells people: the judgement's name (note.c) and the fix to make (trust.c). */
static void test_judgement_words(void **state)
{
	static const struct {
		enum orch_judgement kind;
		const char *name, *hint;
	} words[] = {
		{ ORCH_JUDGE_PASS, "PASS", "review it" },
		{ ORCH_JUDGE_FAIL, "FAIL", "fix the branch, then review its new tip" },
		{ ORCH_JUDGE_NONE, "no verdict", "review it" },
		{ ORCH_JUDGE_STALE, "stale verdict", "the branch moved after its review; review its new tip" },
		{ ORCH_JUDGE_UNTRUSTED, "untrusted verdict", "have an allowed reviewer sign a verdict for it" },
		{ ORCH_JUDGE_WRONG_TREE, "verdict for another tree", "review it" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		assert_string_equal(orch_judgement_name(words[i].kind), words[i].name);
		assert_string_equal(orch_trust_fix_hint(words[i].kind), words[i].hint);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsigned_pass_counts_without_the_switch),
		cmocka_unit_test(test_each_switch_binds_its_place),
		cmocka_unit_test(test_requires_signature),
		cmocka_unit_test(test_binding_before_signature),
		cmocka_unit_test(test_empty_signature_is_unsigned),
		cmocka_unit_test(test_carried_pass_needs_the_repository),
		cmocka_unit_test(test_judgement_words),
	};

	return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}
