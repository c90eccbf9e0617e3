#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "note.h"
#include "unit-helpers.h"

#define C1 "0123456789abcdef0123456789abcdef01234567"
#define C2 "fedcba9876543210fedcba9876543210fedcba98"
#define C256 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define T1 "1111111111111111111111111111111111111111"
#define T2 "2222222222222222222222222222222222222222"
#define D1 "2026-11-24T18:00:00Z"
#define D1_EPOCH ((time_t)1795543200)
#define D0 "2026-11-24T17:00:00Z"
#define D2 "2026-11-24T19:00:00Z"
#define TRUNCATED "[... reasons truncated by orch-hooks]"

/* ---- helpers ------------------------------------------------------------ */

static void judge(const char *text, const char *commit, const char *tree,
		  struct orch_judgement_result *res)
{
	orch_note_judge(text, strlen(text), commit, tree, res);
}

/* Judges text against C1 (no tree check) and checks the kind. */
static void expect_kind(const char *text, enum orch_judgement kind)
{
	struct orch_judgement_result res;

	judge(text, C1, NULL, &res);
	if (res.kind != kind)
		fail_msg("note judged '%s' (%s), want '%s'", orch_judgement_name(res.kind),
			 res.detail ? res.detail : "-", orch_judgement_name(kind));
	orch_judgement_result_release(&res);
}

/* Judges text against C1; it must be GARBAGE with this detail. */
static void expect_garbage(const char *text, const char *detail)
{
	struct orch_judgement_result res;

	judge(text, C1, NULL, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_GARBAGE);
	assert_int_equal(res.has_record, 0);
	assert_non_null(res.detail);
	assert_string_equal(res.detail, detail);
	orch_judgement_result_release(&res);
}

static char *format_record(enum orch_verdict_value v, const char *commit, const char *tree,
			   const char *reviewer, const char *date, const char *body)
{
	const struct orch_verdict_record r = {
		.verdict = v, .commit = (char *)commit, .tree = (char *)tree,
		.reviewer = (char *)reviewer, .date = (char *)date, .body = (char *)body,
	};

	return orch_note_format(&r);
}

/* A PASS of C1 (tree T1) by claude-review at D1, with this duration and body. */
static struct orch_verdict_record claude_pass(const char *duration, const char *body)
{
	const struct orch_verdict_record r = {
		.verdict = ORCH_VERDICT_PASS, .commit = (char *)C1, .tree = (char *)T1,
		.reviewer = (char *)"claude-review", .date = (char *)D1,
		.duration = (char *)duration, .body = (char *)body,
	};

	return r;
}

/* Two notes joined the way a union merge of notes leaves them. */
static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + 1 + lb + 1);

	assert_non_null(s);
	memcpy(s, a, la);
	s[la] = '\n';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

/* Judges the union of two formatted records against C1. */
static void judge_two(const char *a, const char *b, struct orch_judgement_result *res)
{
	char *both = join(a, b);
	struct orch_verdict_record *recs;
	char *err;
	int n;

	n = orch_note_parse(both, strlen(both), &recs, &err);
	assert_null(err);
	assert_int_equal(n, 2);
	orch_verdict_records_free(recs, n);
	judge(both, C1, T1, res);
	free(both);
}

/* Judge the note of records a then b; check the outcome, and reviewer and detail unless NULL. */
static void expect_two(const char *a, const char *b, enum orch_judgement kind, const char *reviewer,
		       const char *detail)
{
	struct orch_judgement_result res;

	judge_two(a, b, &res);
	assert_int_equal(res.kind, kind);
	if (reviewer)
		assert_string_equal(res.record.reviewer, reviewer);
	if (detail)
		assert_string_equal(res.detail, detail);
	orch_judgement_result_release(&res);
}

/* ---- round trip --------------------------------------------------------- */

static void test_format_exact_text(void **state)
{
	struct orch_verdict_record r = claude_pass("42s", "Looks good.\nTests cover the change.\n\n");
	char *text;

	(void)state;
	text = orch_note_format(&r);
	assert_string_equal(text, "Verdict: PASS\n"
			    "Commit: " C1 "\n"
			    "Tree: " T1 "\n"
			    "Reviewer: claude-review\n"
			    "Date: " D1 "\n"
			    "Duration: 42s\n"
			    "\n"
			    "Looks good.\n"
			    "Tests cover the change.\n");
	free(text);

	/* Absent and empty headers are left out; so is an empty body. */
	text = format_record(ORCH_VERDICT_FAIL, C1, NULL, "", NULL, "");
	assert_string_equal(text, "Verdict: FAIL\nCommit: " C1 "\n");
	free(text);
}

static void test_round_trip_pass(void **state)
{
	struct orch_verdict_record r = claude_pass("1m30s", "Looks good.\n\nSecond paragraph."), *recs;
	struct orch_judgement_result res;
	char *text, *err;
	int n;

	(void)state;
	text = orch_note_format(&r);

	n = orch_note_parse(text, strlen(text), &recs, &err);
	assert_null(err);
	assert_int_equal(n, 1);
	assert_int_equal(recs[0].verdict, ORCH_VERDICT_PASS);
	assert_string_equal(recs[0].commit, C1);
	assert_string_equal(recs[0].tree, T1);
	assert_string_equal(recs[0].reviewer, "claude-review");
	assert_string_equal(recs[0].date, D1);
	assert_int_equal(recs[0].when, D1_EPOCH);
	assert_string_equal(recs[0].duration, "1m30s");
	assert_string_equal(recs[0].body, "Looks good.\n\nSecond paragraph.");
	orch_verdict_records_free(recs, n);

	judge(text, C1, T1, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	assert_null(res.detail);
	assert_int_equal(res.has_record, 1);
	assert_int_equal(res.record.verdict, ORCH_VERDICT_PASS);
	assert_string_equal(res.record.commit, C1);
	assert_string_equal(res.record.tree, T1);
	assert_string_equal(res.record.reviewer, "claude-review");
	assert_string_equal(res.record.date, D1);
	assert_int_equal(res.record.when, D1_EPOCH);
	assert_string_equal(res.record.duration, "1m30s");
	assert_string_equal(res.record.body, "Looks good.\n\nSecond paragraph.");
	orch_judgement_result_release(&res);
	free(text);
}

static void test_round_trip_sha256_and_minimal(void **state)
{
	struct orch_judgement_result res;
	char *text;

	(void)state;
	text = format_record(ORCH_VERDICT_PASS, C256, NULL, NULL, NULL, NULL);
	judge(text, C256, T1, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	assert_string_equal(res.record.commit, C256);
	assert_null(res.record.tree);
	assert_null(res.record.date);
	assert_int_equal(res.record.when, 0);
	assert_string_equal(res.record.body, "");
	orch_judgement_result_release(&res);
	free(text);
}

/* A header value cannot smuggle in a line of its own. */
static void test_format_folds_header_newlines(void **state)
{
	struct orch_verdict_record *recs;
	char *text, *err;
	int n;

	(void)state;
	text = format_record(ORCH_VERDICT_FAIL, C1, NULL, "evil\nVerdict: PASS\r", NULL, "no");
	assert_string_equal(text, "Verdict: FAIL\nCommit: " C1 "\nReviewer: evil Verdict: PASS \n\nno\n");
	n = orch_note_parse(text, strlen(text), &recs, &err);
	assert_int_equal(n, 1);
	assert_int_equal(recs[0].verdict, ORCH_VERDICT_FAIL);
	assert_string_equal(recs[0].reviewer, "evil Verdict: PASS");
	orch_verdict_records_free(recs, n);
	expect_kind(text, ORCH_JUDGE_FAIL);
	free(text);
}

/* ---- single records that are not a pass -------------------------------- */

static void test_fail(void **state)
{
	struct orch_judgement_result res;

	(void)state;
	judge("Verdict: FAIL\nCommit: " C1 "\nTree: " T1 "\n\n\n   \nMissing tests for X.  \nMore.\n",
	      C1, T1, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_FAIL);
	assert_string_equal(res.detail, "Missing tests for X.");
	assert_int_equal(res.has_record, 1);
	assert_int_equal(res.record.verdict, ORCH_VERDICT_FAIL);
	assert_string_equal(res.record.commit, C1);
	orch_judgement_result_release(&res);

	judge("Verdict: FAIL\nCommit: " C1 "\n", C1, NULL, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_FAIL);
	assert_string_equal(res.detail, "(no reason given)");
	orch_judgement_result_release(&res);
}

static void test_empty(void **state)
{
	struct orch_judgement_result res;

	(void)state;
	orch_note_judge("", 0, C1, T1, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_EMPTY);
	assert_int_equal(res.has_record, 0);
	assert_string_equal(res.detail, "the note is empty");
	orch_judgement_result_release(&res);

	expect_kind("\n", ORCH_JUDGE_EMPTY);
	expect_kind("  \n\t\n\r\n \n", ORCH_JUDGE_EMPTY);
	expect_kind("   ", ORCH_JUDGE_EMPTY);
}

static void test_garbage(void **state)
{
	(void)state;
	expect_garbage("hello world\n", "header line without ':' ('hello world')");
	expect_garbage("LGTM", "header line without ':' ('LGTM')");
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nlooks fine\n",
		       "header line without ':' ('looks fine')");
	expect_garbage("Subject: hi\n", "no 'Verdict:' line");
}

static void test_bad_verdict_word(void **state)
{
	(void)state;
	expect_garbage("Verdict: PASSED\nCommit: " C1 "\n",
		       "Verdict is 'PASSED', which is neither PASS nor FAIL");
	expect_garbage("Verdict: pass\nCommit: " C1 "\n",
		       "Verdict is 'pass', which is neither PASS nor FAIL");
	expect_garbage("Verdict:\nCommit: " C1 "\n", "Verdict is '', which is neither PASS nor FAIL");
	expect_garbage("Verdict: PASS FAIL\nCommit: " C1 "\n",
		       "Verdict is 'PASS FAIL', which is neither PASS nor FAIL");
	/* Header names are case-sensitive. */
	expect_garbage("verdict: PASS\nCommit: " C1 "\n", "no 'Verdict:' line");
}

static void test_missing_headers(void **state)
{
	(void)state;
	expect_garbage("Commit: " C1 "\nTree: " T1 "\n\nok\n", "no 'Verdict:' line");
	expect_garbage("Verdict: PASS\nTree: " T1 "\n\nok\n", "no 'Commit:' line");
	/* A Commit line in the body is not a header. */
	expect_garbage("Verdict: PASS\n\nCommit: " C1 "\n", "no 'Commit:' line");
}

static void test_commit_not_full_oid(void **state)
{
	(void)state;
	expect_garbage("Verdict: PASS\nCommit: 0123456\n",
		       "Commit '0123456' is not a full object id");
	expect_garbage("Verdict: PASS\nCommit: 0123456789ABCDEF0123456789abcdef01234567\n",
		       "Commit '0123456789ABCDEF0123456789abcdef01234567' is not a full object id");
	expect_garbage("Verdict: PASS\nCommit: " C1 "8\n",
		       "Commit '" C1 "8' is not a full object id");
	expect_garbage("Verdict: PASS\nCommit: g123456789abcdef0123456789abcdef01234567\n",
		       "Commit 'g123456789abcdef0123456789abcdef01234567' is not a full object id");
	expect_garbage("Verdict: PASS\nCommit: HEAD\n", "Commit 'HEAD' is not a full object id");
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nTree: main^{tree}\n",
		       "Tree 'main^{tree}' is not a full object id");
}

/*
 * A PASS written for commit and tree, judged for C1 and T1: it must be
 * refused as kind, with this detail and no record. Returns the note.
 */
static char *expect_misbound(const char *commit, const char *tree, enum orch_judgement kind,
			     const char *detail)
{
	struct orch_judgement_result res;
	char *text = format_record(ORCH_VERDICT_PASS, commit, tree, "r", D1, "fine");

	judge(text, C1, T1, &res);
	assert_int_equal(res.kind, kind);
	assert_int_equal(res.has_record, 0);
	assert_string_equal(res.detail, detail);
	orch_judgement_result_release(&res);
	return text;
}

static void test_wrong_commit(void **state)
{
	struct orch_judgement_result res;
	char *text;

	(void)state;
	text = expect_misbound(C2, T1, ORCH_JUDGE_WRONG_COMMIT, "the note says Commit " C2);

	/* The same note is a pass for the commit it names. */
	judge(text, C2, T1, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	orch_judgement_result_release(&res);
	free(text);
}

static void test_wrong_tree(void **state)
{
	struct orch_judgement_result res;
	char *text;

	(void)state;
	text = expect_misbound(C1, T2, ORCH_JUDGE_WRONG_TREE, "the note says Tree " T2 ", the commit has " T1);

	/* Without a tree to compare, the check is skipped. */
	judge(text, C1, NULL, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	assert_string_equal(res.record.tree, T2);
	orch_judgement_result_release(&res);
	free(text);

	/* A note without Tree is not checked against the commit's. */
	judge("Verdict: PASS\nCommit: " C1 "\n", C1, T1, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	orch_judgement_result_release(&res);
}

static void test_duplicate_headers(void **state)
{
	(void)state;
	expect_garbage("Verdict: PASS\nVerdict: FAIL\nCommit: " C1 "\n",
		       "two 'Verdict' lines in one record");
	expect_garbage("Verdict: FAIL\nCommit: " C1 "\nVerdict: PASS\n",
		       "two 'Verdict' lines in one record");
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nCommit: " C1 "\n",
		       "two 'Commit' lines in one record");
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nDate: " D1 "\nDate: " D2 "\n",
		       "two 'Date' lines in one record");
}

static void test_nul_byte(void **state)
{
	static const char text[] = "Verdict: PASS\nCommit: " C1 "\n\nfine\0Verdict: FAIL\n";
	struct orch_judgement_result res;
	struct orch_verdict_record *recs;
	char *err;

	(void)state;
	orch_note_judge(text, sizeof(text) - 1, C1, NULL, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_GARBAGE);
	assert_string_equal(res.detail, "the note holds a NUL byte");
	orch_judgement_result_release(&res);

	assert_int_equal(orch_note_parse(text, sizeof(text) - 1, &recs, &err), -1);
	assert_null(recs);
	assert_string_equal(err, "the note holds a NUL byte");
	free(err);
}

static void test_crlf(void **state)
{
	struct orch_judgement_result res;

	(void)state;
	judge("Verdict: PASS\r\nCommit: " C1 "\r\nTree: " T1 "\r\nDate: " D1 "\r\n\r\nFine.\r\nReally.\r\n",
	      C1, T1, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	assert_string_equal(res.record.commit, C1);
	assert_string_equal(res.record.tree, T1);
	assert_string_equal(res.record.date, D1);
	assert_int_equal(res.record.when, D1_EPOCH);
	assert_string_equal(res.record.body, "Fine.\nReally.");
	orch_judgement_result_release(&res);
}

static void test_bad_date(void **state)
{
	(void)state;
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nDate: yesterday\n",
		       "Date 'yesterday' is not ISO 8601 (like 2026-11-24T18:00:00Z)");
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nDate: 2026-13-01T00:00:00Z\n",
		       "Date '2026-13-01T00:00:00Z' is not ISO 8601 (like 2026-11-24T18:00:00Z)");
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nDate: 2026-11-24 18:00:00Z\n",
		       "Date '2026-11-24 18:00:00Z' is not ISO 8601 (like 2026-11-24T18:00:00Z)");
}

static void test_unknown_headers_ignored(void **state)
{
	(void)state;
	expect_kind("Verdict: PASS\nX-Future: something\nCommit: " C1 "\n", ORCH_JUDGE_PASS);
	/* Surrounding blank lines and spaces around values do not matter. */
	expect_kind("\n\nVerdict:   PASS  \nCommit:\t" C1 " \n\n\n", ORCH_JUDGE_PASS);
}

/* ---- several records ---------------------------------------------------- */

#define CARRIED(date) "Verdict: PASS\nCommit: " C1 "\nDate: " date "\nCarried-From: " C2 "\nCarried-Base: " T2 "\n"

/* A carried record reads back with where it came from; a half-carried one is garbage. */
static void test_carried_record(void **state)
{
	struct orch_verdict_record r = { 0 };
	struct orch_judgement_result res;
	char *text;

	(void)state;
	r.verdict = ORCH_VERDICT_PASS;
	r.commit = C1;
	r.carried_from = C2;
	r.carried_base = T2;
	text = orch_note_format(&r);
	judge(text, C1, NULL, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	assert_string_equal(res.record.carried_from, C2);
	assert_string_equal(res.record.carried_base, T2);
	orch_judgement_result_release(&res);
	free(text);
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nCarried-From: " C2 "\n",
		       "a carried record needs both Carried-From and Carried-Base");
	expect_garbage("Verdict: PASS\nCommit: " C1 "\nCarried-From: HEAD~1\nCarried-Base: " T2 "\n",
		       "Carried-From or Carried-Base is not a full object id");
}

/* A record of the commit itself outranks any carried one, however new. */
static void test_own_record_outranks_carried(void **state)
{
	struct orch_judgement_result res;

	(void)state;
	expect_two("Verdict: FAIL\nCommit: " C1 "\nDate: " D0 "\n\nno\n", CARRIED(D2), ORCH_JUDGE_FAIL, NULL,
		   NULL);
	judge_two(CARRIED(D2), "Verdict: PASS\nCommit: " C1 "\nDate: " D0 "\n", &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	assert_null(res.record.carried_from);
	orch_judgement_result_release(&res);
}

/* One record of a two-record note, as format_record writes it. */
struct rec {
	enum orch_verdict_value verdict;
	const char *commit, *tree, *reviewer, *date, *body;
};

static const struct rec
	fail_old = { ORCH_VERDICT_FAIL, C1, T1, "first", D0, "Broken." },
	pass_new = { ORCH_VERDICT_PASS, C1, T1, "second", D2, "Fixed." },
	fail_new = { ORCH_VERDICT_FAIL, C1, T1, "third", D2, "Broken again." },
	pass_old = { ORCH_VERDICT_PASS, C1, T1, "fourth", D0, "Fine." },
	pass_d1 = { ORCH_VERDICT_PASS, C1, T1, "a", D1, "ok" },
	fail_d1 = { ORCH_VERDICT_FAIL, C1, T1, "b", D1, "not ok" },
	pass_nodate = { ORCH_VERDICT_PASS, C1, T1, "c", NULL, "ok" },
	fail_nodate = { ORCH_VERDICT_FAIL, C1, T1, "d", NULL, "nope" },
	fail_undated = { ORCH_VERDICT_FAIL, C1, T1, "undated", NULL, "Broken." },
	pass_undated = { ORCH_VERDICT_PASS, C1, T1, "undated", NULL, "Fine." },
	pass_dated = { ORCH_VERDICT_PASS, C1, T1, "dated", D1, "Fixed." },
	fail_dated = { ORCH_VERDICT_FAIL, C1, T1, "dated", D1, "Broken." },
	pass_newest = { ORCH_VERDICT_PASS, C1, T1, "a", D2, "ok" },
	other_commit = { ORCH_VERDICT_PASS, C2, T1, "b", D0, "ok" },
	other_tree = { ORCH_VERDICT_PASS, C1, T2, "c", D0, "ok" };

static char *format_rec(const struct rec *r)
{
	return format_record(r->verdict, r->commit, r->tree, r->reviewer, r->date, r->body);
}

/* The note of records a then b, judged against C1 and T1; reviewer and detail are checked unless NULL. */
static const struct two_records {
	const struct rec *a, *b;
	enum orch_judgement kind;
	const char *reviewer, *detail;
} two_records[] = {
	/* The newest Date decides; the order in the note does not matter. */
	{ &fail_old, &pass_new, ORCH_JUDGE_PASS, "second", NULL },
	{ &pass_new, &fail_old, ORCH_JUDGE_PASS, "second", NULL },
	{ &pass_old, &fail_new, ORCH_JUDGE_FAIL, "third", "Broken again." },
	{ &fail_new, &pass_old, ORCH_JUDGE_FAIL, NULL, "Broken again." },
	/* A tie is a FAIL, whichever comes first; two records without Date tie too. */
	{ &pass_d1, &fail_d1, ORCH_JUDGE_FAIL, NULL, "not ok" },
	{ &fail_d1, &pass_d1, ORCH_JUDGE_FAIL, NULL, "not ok" },
	{ &pass_nodate, &fail_nodate, ORCH_JUDGE_FAIL, NULL, "nope" },
	/* A record without Date is older than any dated one. */
	{ &fail_undated, &pass_dated, ORCH_JUDGE_PASS, "dated", NULL },
	{ &pass_dated, &fail_undated, ORCH_JUDGE_PASS, "dated", NULL },
	{ &pass_undated, &fail_dated, ORCH_JUDGE_FAIL, "dated", NULL },
	/* Each record is checked against the commit, not only the newest. */
	{ &pass_newest, &other_commit, ORCH_JUDGE_WRONG_COMMIT, NULL, NULL },
	{ &pass_newest, &other_tree, ORCH_JUDGE_WRONG_TREE, NULL, NULL },
};

static int same_or_unchecked(const char *got, const char *want)
{
	return !want || (got && !strcmp(got, want));
}

/* Judges one row's note; says what is wrong and returns 1, or returns 0. */
static int two_records_wrong(const struct two_records *c)
{
	struct orch_judgement_result res;
	char *a = format_rec(c->a), *b = format_rec(c->b);
	int wrong;

	judge_two(a, b, &res);
	wrong = res.kind != c->kind || !same_or_unchecked(res.record.reviewer, c->reviewer) ||
		!same_or_unchecked(res.detail, c->detail);
	if (wrong)
		print_error("records by %s then %s: %s by %s (%s), want %s by %s (%s)\n", c->a->reviewer,
			    c->b->reviewer, orch_judgement_name(res.kind),
			    res.record.reviewer ? res.record.reviewer : "-", res.detail ? res.detail : "-",
			    orch_judgement_name(c->kind), c->reviewer ? c->reviewer : "anyone",
			    c->detail ? c->detail : "any detail");
	orch_judgement_result_release(&res);
	free(a);
	free(b);
	return wrong;
}

static void test_multi_records(void **state)
{
	size_t i, wrong = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(two_records); i++)
		wrong += two_records_wrong(&two_records[i]);
	if (wrong)
		fail_msg("%zu of %zu two-record notes judged wrong", wrong, ARRAY_SIZE(two_records));
}

/* The record that decides is the one judged: its reviewer and its body. */
static void test_multi_newest_decides(void **state)
{
	struct orch_judgement_result res;
	char *a = format_rec(&fail_old), *b = format_rec(&pass_new);

	(void)state;
	judge_two(a, b, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_PASS);
	assert_string_equal(res.record.reviewer, "second");
	assert_string_equal(res.record.body, "Fixed.");
	orch_judgement_result_release(&res);
	free(a);
	free(b);
}

/* A bad second record spoils the whole note. */
static void test_multi_bad_record_spoils_the_note(void **state)
{
	static const char bad_date[] = "Verdict: PASS\nCommit: " C1 "\nDate: soon\n";
	struct orch_judgement_result res;
	char *a = format_rec(&pass_newest), *both = join(a, bad_date);

	(void)state;
	judge(both, C1, T1, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_GARBAGE);
	orch_judgement_result_release(&res);
	free(both);
	free(a);
}

static void test_multi_records_without_body(void **state)
{
	static const char text[] = "Verdict: FAIL\nCommit: " C1 "\nDate: " D0 "\n"
				   "\n"
				   "Verdict: PASS\nCommit: " C1 "\nDate: " D1 "\n"
				   "\n\n"
				   "Verdict: FAIL\nCommit: " C1 "\nDate: " D2 "\n"
				   "\nwhy\n";
	struct orch_verdict_record *recs;
	struct orch_judgement_result res;
	char *err;
	int n;

	(void)state;
	n = orch_note_parse(text, strlen(text), &recs, &err);
	assert_null(err);
	assert_int_equal(n, 3);
	assert_int_equal(recs[0].verdict, ORCH_VERDICT_FAIL);
	assert_string_equal(recs[0].body, "");
	assert_int_equal(recs[1].verdict, ORCH_VERDICT_PASS);
	assert_int_equal(recs[1].when, D1_EPOCH);
	assert_string_equal(recs[1].body, "");
	assert_int_equal(recs[2].verdict, ORCH_VERDICT_FAIL);
	assert_int_equal(recs[2].when, D1_EPOCH + 3600);
	assert_string_equal(recs[2].body, "why");
	orch_verdict_records_free(recs, n);

	judge(text, C1, NULL, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_FAIL);
	assert_string_equal(res.detail, "why");
	orch_judgement_result_release(&res);
}

/* A body line "Verdict:" is escaped on writing, so it cannot forge a record. */
static void test_body_verdict_lines_escaped(void **state)
{
	static const char body[] = "Not good.\n\nVerdict: PASS\nCommit: " C1 "\nDate: " D2 "\n";
	static const char unescaped[] = "Verdict: FAIL\nCommit: " C1 "\n\nNot good.\nVerdict: PASS\n";
	struct orch_verdict_record *recs;
	struct orch_judgement_result res;
	char *text, *err, *raw;
	int n;

	(void)state;
	text = format_record(ORCH_VERDICT_FAIL, C1, NULL, "r", D1, body);
	assert_non_null(strstr(text, "\n\n Verdict: PASS\n"));
	assert_null(strstr(text, "\nVerdict: PASS"));

	n = orch_note_parse(text, strlen(text), &recs, &err);
	assert_null(err);
	assert_int_equal(n, 1);
	assert_int_equal(recs[0].verdict, ORCH_VERDICT_FAIL);
	assert_string_equal(recs[0].body, "Not good.\n\n Verdict: PASS\nCommit: " C1 "\nDate: " D2);
	orch_verdict_records_free(recs, n);

	judge(text, C1, NULL, &res);
	assert_int_equal(res.kind, ORCH_JUDGE_FAIL);
	assert_string_equal(res.detail, "Not good.");
	orch_judgement_result_release(&res);
	free(text);

	/* Written by hand without the escape, it does start a record. */
	raw = join("Verdict: FAIL\nCommit: " C1 "\nDate: " D1 "\n\nNot good.\n",
		   "Verdict: PASS\nCommit: " C1 "\nDate: " D2 "\n");
	n = orch_note_parse(raw, strlen(raw), &recs, &err);
	assert_int_equal(n, 2);
	orch_verdict_records_free(recs, n);
	free(raw);

	/* "Verdict:" in the body without a blank line before it stays body. */
	n = orch_note_parse(unescaped, strlen(unescaped), &recs, &err);
	assert_int_equal(n, 1);
	assert_string_equal(recs[0].body, "Not good.\nVerdict: PASS");
	orch_verdict_records_free(recs, n);
}

/*
 * Found by fuzz/fuzz-note: a body line ending in several CRs lost one CR
 * per round of parse and format, so a note never read back as written.
 */
static void test_body_line_ending_in_cr(void **state)
{
	static const char note[] = "Verdict: PASS\nCommit: " C1 "\n\nok\r\r\r\nmore\r\n";
	struct orch_verdict_record *recs, *again;
	char *text, *text2, *err;
	int n;

	(void)state;
	n = orch_note_parse(note, strlen(note), &recs, &err);
	assert_int_equal(n, 1);
	text = orch_note_format(&recs[0]);
	assert_non_null(strstr(text, "\n\nok\nmore\n"));
	assert_int_equal(orch_note_parse(text, strlen(text), &again, &err), 1);
	text2 = orch_note_format(&again[0]);
	assert_string_equal(text, text2);
	free(text2);
	free(text);
	orch_verdict_records_free(again, 1);
	orch_verdict_records_free(recs, n);
}

static void test_body_truncated(void **state)
{
	enum { LINE = 99, LINES = 1000 };
	struct orch_verdict_record *recs;
	char *body, *text, *err, *p;
	size_t i, kept, want_kept;
	int n;

	(void)state;
	body = malloc((LINE + 1) * LINES + 1);
	assert_non_null(body);
	for (i = 0; i < LINES; i++) {
		memset(body + i * (LINE + 1), 'a' + (char)(i % 26), LINE);
		body[i * (LINE + 1) + LINE] = '\n';
	}
	body[(LINE + 1) * LINES] = '\0';

	text = format_record(ORCH_VERDICT_FAIL, C1, NULL, NULL, NULL, body);
	n = orch_note_parse(text, strlen(text), &recs, &err);
	assert_null(err);
	assert_int_equal(n, 1);

	/* Whole lines are kept while they fit in ORCH_NOTE_MAX_BODY, then the marker. */
	want_kept = (ORCH_NOTE_MAX_BODY - LINE) / (LINE + 1) + 1;
	assert_true(want_kept < LINES);
	assert_true(want_kept * (LINE + 1) <= ORCH_NOTE_MAX_BODY);
	assert_true((want_kept + 1) * (LINE + 1) > ORCH_NOTE_MAX_BODY);
	for (kept = 0, p = recs[0].body; *p && strncmp(p, TRUNCATED, strlen(TRUNCATED)); kept++) {
		char *nl = strchr(p, '\n');

		assert_non_null(nl);
		assert_int_equal(nl - p, LINE);
		assert_memory_equal(p, body + kept * (LINE + 1), LINE);
		p = nl + 1;
	}
	assert_int_equal(kept, want_kept);
	assert_string_equal(p, TRUNCATED);
	assert_true(strlen(recs[0].body) <= ORCH_NOTE_MAX_BODY + strlen(TRUNCATED));
	orch_verdict_records_free(recs, n);
	free(text);

	/* A body that fits is written whole. */
	body[(LINE + 1) * 10] = '\0';
	text = format_record(ORCH_VERDICT_FAIL, C1, NULL, NULL, NULL, body);
	assert_null(strstr(text, TRUNCATED));
	n = orch_note_parse(text, strlen(text), &recs, &err);
	assert_int_equal(n, 1);
	assert_int_equal(strlen(recs[0].body), (LINE + 1) * 10 - 1);
	orch_verdict_records_free(recs, n);
	free(text);
	free(body);
}

/* ---- dates -------------------------------------------------------------- */

UNIT_PARSE_FN(parse_iso8601, orch_parse_iso8601, time_t)

static void test_parse_iso8601(void **state)
{
	static const struct unit_parse_case good[] = {
		{ D1, D1_EPOCH },
		{ "2026-11-24T20:00:00+02:00", D1_EPOCH },
		{ "2026-11-24T13:30:00-04:30", D1_EPOCH },
		{ "2026-11-24T18:00:00+00:00", D1_EPOCH },
		{ "2026-11-24T18:00:00-00:00", D1_EPOCH },
		{ "2026-11-25T03:00:00+09:00", D1_EPOCH },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2000-02-29T23:59:59Z", 951868799 },
	};
	static const char *const bad[] = {
		"", "2026-11-24", "2026-11-24T18:00", "2026-11-24T18:00:00",
		"2026-11-24 18:00:00Z", "2026-11-24T18:00:00z", "2026-11-24T18:00:00ZZ",
		"2026-11-24T18:00:00 Z", "2026-11-24T18:00:00+0200", "2026-11-24T18:00:00+02",
		"2026-11-24T18:00:00+02:00:00", "2026-11-24T18:00:00+2:00", "2026-11-24T18:00:00+24:00",
		"2026-11-24T18:00:00+02:60", "2026-11-24T24:00:00Z", "2026-11-24T18:60:00Z",
		"2026-11-24T18:00:61Z", "2026-00-10T00:00:00Z", "2026-13-10T00:00:00Z",
		"2026-11-00T00:00:00Z", "2026-11-32T00:00:00Z", "2026-1-24T18:00:00Z",
		"26-11-24T18:00:00Z", "2026/11/24T18:00:00Z", "2026-11-24T1a:00:00Z",
		"+026-11-24T18:00:00Z", " 2026-11-24T18:00:00Z",
		"2026-02-31T00:00:00Z", "2026-04-31T12:00:00Z", "2025-02-29T00:00:00Z",
	};

	(void)state;
	UNIT_CHECK_PARSES(parse_iso8601, good, bad);
}

static void test_iso8601(void **state)
{
	static const time_t times[] = { 0, 1, 951868799, D1_EPOCH, D1_EPOCH + 86399 };
	char buf[64];
	size_t i;

	(void)state;
	assert_ptr_equal(orch_iso8601(D1_EPOCH, buf, sizeof(buf)), buf);
	assert_string_equal(buf, D1);
	orch_iso8601(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	orch_iso8601(951868799, buf, sizeof(buf));
	assert_string_equal(buf, "2000-02-29T23:59:59Z");
	for (i = 0; i < sizeof(times) / sizeof(*times); i++) {
		time_t back = -1;

		orch_iso8601(times[i], buf, sizeof(buf));
		assert_int_equal(orch_parse_iso8601(buf, &back), 0);
		assert_int_equal(back, times[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_exact_text),
		cmocka_unit_test(test_round_trip_pass),
		cmocka_unit_test(test_round_trip_sha256_and_minimal),
		cmocka_unit_test(test_format_folds_header_newlines),
		cmocka_unit_test(test_fail),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_bad_verdict_word),
		cmocka_unit_test(test_missing_headers),
		cmocka_unit_test(test_commit_not_full_oid),
		cmocka_unit_test(test_wrong_commit),
		cmocka_unit_test(test_wrong_tree),
		cmocka_unit_test(test_duplicate_headers),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bad_date),
		cmocka_unit_test(test_unknown_headers_ignored),
		cmocka_unit_test(test_carried_record),
		cmocka_unit_test(test_own_record_outranks_carried),
		cmocka_unit_test(test_multi_records),
		cmocka_unit_test(test_multi_newest_decides),
		cmocka_unit_test(test_multi_bad_record_spoils_the_note),
		cmocka_unit_test(test_multi_records_without_body),
		cmocka_unit_test(test_body_verdict_lines_escaped),
		cmocka_unit_test(test_body_truncated),
		cmocka_unit_test(test_body_line_ending_in_cr),
		cmocka_unit_test(test_parse_iso8601),
		cmocka_unit_test(test_iso8601),
	};

	return cmocka_run_group_tests_name("note", tests, NULL, NULL);
}
